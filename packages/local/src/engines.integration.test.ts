import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { fakeCredentials, REGION } from "./config";
import { startDynamoDb } from "./engines/dynamodb";
import { isLoopback, listeningAddresses } from "./engines/listening";
import { waitFor } from "./engines/ports";
import { startSqsSns } from "./engines/sqs-sns";

// The engines under the local cloud: bound to loopback only, and nothing they
// accepted is lost when their process is killed with SIGKILL.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "local-engines-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startChild(dataDir: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "../test/engines/kill-child.ts"), dataDir],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
  });
  const line = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (l) => l.startsWith("READY ") && done(l));
    child.once("exit", (code) => fail(new Error(`engines child exited (${code})`)));
  });
  const [, ddbPort, sqsPort, javaPid] = line.split(" ").map(Number) as number[];
  return { child, ddbPort: ddbPort!, sqsPort: sqsPort!, javaPid: javaPid! };
}

async function sigkill(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: REGION,
  credentials: fakeCredentials,
});

describe("engines", () => {
  it("DynamoDB Local listens on loopback only", async () => {
    const ddb = await startDynamoDb({ dataDir: tempDir(), inMemory: true });
    cleanups.push(() => ddb.stop());
    const addresses = listeningAddresses(ddb.port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((a) => !isLoopback(a))).toEqual([]);
    expect(await ddb.healthy()).toBe(true);
  });

  it("the sqs-sns engine (fauxqs) listens on loopback only", async () => {
    const sqs = await startSqsSns({ dataDir: tempDir() });
    cleanups.push(() => sqs.stop());
    const addresses = listeningAddresses(sqs.port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((a) => !isLoopback(a))).toEqual([]);
    expect(await sqs.healthy()).toBe(true);
  });

  it("after SIGKILL, a restart has every accepted message and item; acknowledged ones stay gone", async () => {
    const dataDir = tempDir();
    const first = await startChild(dataDir);
    const sqs = new SQSClient(clientConfig(`http://127.0.0.1:${first.sqsPort}`));
    const ddb = new DynamoDBClient(clientConfig(`http://127.0.0.1:${first.ddbPort}`));
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "kill-test", Attributes: { VisibilityTimeout: "1" } }),
    );
    const bodies = Array.from({ length: 20 }, (_, i) => `message-${i}`);
    for (const body of bodies)
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    // Five in flight, two of them acknowledged (deleted) before the kill.
    const inFlight = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 5, VisibilityTimeout: 1 }),
    );
    const acked = (inFlight.Messages ?? []).slice(0, 2);
    expect(acked).toHaveLength(2);
    for (const m of acked)
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    await ddb.send(
      new CreateTableCommand({
        TableName: "kill-test",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: "kill-test", Item: { pk: { S: "kept" } } }));
    sqs.destroy();
    ddb.destroy();

    await sigkill(first.child);
    // The Java engine notices its parent is gone and exits by itself.
    await waitFor("orphaned DynamoDB Local exits", async () => !alive(first.javaPid), {
      timeoutMs: 20_000,
    });

    const second = await startChild(dataDir);
    const sqs2 = new SQSClient(clientConfig(`http://127.0.0.1:${second.sqsPort}`));
    const ddb2 = new DynamoDBClient(clientConfig(`http://127.0.0.1:${second.ddbPort}`));
    cleanups.push(() => {
      sqs2.destroy();
      ddb2.destroy();
    });
    const item = await ddb2.send(
      new GetItemCommand({ TableName: "kill-test", Key: { pk: { S: "kept" } } }),
    );
    expect(item.Item?.pk?.S).toBe("kept");

    const received = new Set<string>();
    const expected = bodies.filter((b) => !acked.some((m) => m.Body === b));
    await waitFor(
      "every unacknowledged message redelivered",
      async () => {
        const out = await sqs2.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: 60,
          }),
        );
        for (const m of out.Messages ?? []) received.add(m.Body!);
        return expected.every((b) => received.has(b));
      },
      { timeoutMs: 20_000, intervalMs: 10 },
    );
    expect([...received].sort()).toEqual([...expected].sort());
    for (const m of acked) expect(received.has(m.Body!)).toBe(false);
  });
});
