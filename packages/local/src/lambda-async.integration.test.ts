import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DatabaseSync } from "node:sqlite";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials, REGION } from "./config";
import { waitFor } from "./engines/ports";
import type { AsyncFailureRecord } from "./lambda/runner";

// Lambda's async queue is durable on AWS: once Invoke with InvocationType
// Event answered 202, the event runs (and is retried, then handed to the
// on-failure destination) even if a host dies. Here the local cloud is
// SIGKILLed while one slow invocation runs and one failing invocation is
// between its attempts, and started again on the same data.

let dataDir: string;
let records: string;
const children: ChildProcess[] = [];
let aws: string;

async function start() {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "../test/cloud/async-child.ts"),
      dataDir,
      records,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  const line = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).on("line", (l) => l.startsWith("READY ") && done(l));
    child.once("exit", (code) => fail(new Error(`cloud child exited (${code})`)));
  });
  return { child, aws: line.split(" ")[1]! };
}

async function kill(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

const lines = () => readFileSync(records, "utf8").split("\n").filter(Boolean);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "local-async-"));
  records = join(dataDir, "records.log");
  writeFileSync(records, "");
  const first = await start();
  const lambda = new LambdaClient({
    endpoint: first.aws,
    region: REGION,
    credentials: fakeCredentials,
  });
  for (const event of [
    { id: "slow", ms: 3_000 },
    { id: "failing", ms: 500, fail: true },
  ]) {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "AsyncRecorder",
        InvocationType: "Event",
        Payload: JSON.stringify(event),
      }),
    );
    expect(out.StatusCode).toBe(202);
  }
  lambda.destroy();
  // Killed while "slow" runs (its 3 s are far from over) and "failing" has started.
  await waitFor(
    "both invocations started",
    async () => ["slow start", "failing start"].every((l) => lines().includes(l)),
    { timeoutMs: 30_000 },
  );
  await kill(first.child);
  expect(lines()).not.toContain("slow done");
  aws = (await start()).aws;
}, 120_000);

afterAll(async () => {
  for (const child of children) await kill(child);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("asynchronous invocations across a SIGKILL", () => {
  it("runs an accepted invocation that the kill interrupted again after the restart", async () => {
    await waitFor("the slow invocation completed", async () => lines().includes("slow done"), {
      timeoutMs: 60_000,
    });
  }, 90_000);

  it("delivers a failing invocation's record to its on-failure queue after the restart, once its retries are spent", async () => {
    const sqs = new SQSClient({ endpoint: aws, region: REGION, credentials: fakeCredentials });
    const received: AsyncFailureRecord[] = [];
    await waitFor(
      "the failure record in AsyncRecorderFailures",
      async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: `${aws}/000000000000/AsyncRecorderFailures`,
            WaitTimeSeconds: 1,
            MaxNumberOfMessages: 10,
          }),
        );
        for (const m of out.Messages ?? []) received.push(JSON.parse(m.Body!));
        return received.length > 0;
      },
      { timeoutMs: 60_000 },
    );
    sqs.destroy();
    expect(received).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({
          condition: "RetriesExhausted",
          approximateInvokeCount: 3,
        }),
        requestPayload: { id: "failing", ms: 500, fail: true },
        responseContext: expect.objectContaining({ functionError: "Unhandled" }),
      }),
    ]);
    // Every attempt ran: the first before the kill, the rest after it.
    expect(lines().filter((l) => l === "failing start").length).toBeGreaterThanOrEqual(3);
    // Nothing stays queued once each invocation succeeded or reached its destination.
    const db = new DatabaseSync(join(dataDir, "lambda-async.sqlite"), { readOnly: true });
    const left = db.prepare("SELECT request_id FROM async_invocations").all();
    db.close();
    expect(left).toEqual([]);
  }, 90_000);
});
