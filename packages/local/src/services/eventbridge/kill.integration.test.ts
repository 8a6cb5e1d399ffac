// kill -9 after PutEvents answered: the events are delivered by the next process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ACCOUNT, REGION, type Sqs, startSqs } from "../../../test/eventbridge/test-harness";
import { startReadyChild } from "../../../test/ready-child";
import { createEventBridge } from "./service";

let sqs: Sqs;
const dataDir = mkdtempSync(join(tmpdir(), "eventbridge-kill-"));
beforeAll(async () => {
  sqs = await startSqs();
});
afterAll(async () => {
  await sqs.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("delivers events accepted before a SIGKILL after the restart", async () => {
  const queue = await sqs.createQueue("after-kill");
  const { child, port } = await startReadyChild(
    join(import.meta.dirname, "../../../test/eventbridge/kill-child.ts"),
    [dataDir],
  );
  const client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  let ids: string[];
  try {
    await client.send(new PutRuleCommand({ Name: "r", EventPattern: '{"source":["kill"]}' }));
    await client.send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "q", Arn: queue.arn }] }));
    const out = await client.send(
      new PutEventsCommand({
        Entries: Array.from({ length: 10 }, (_, n) => ({
          Source: "kill",
          DetailType: "x",
          Detail: JSON.stringify({ n }),
        })),
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    ids = out.Entries!.map((e) => e.EventId!);
  } finally {
    client.destroy();
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  const eb = createEventBridge({
    dataDir,
    accountId: ACCOUNT,
    region: REGION,
    deliver: sqs.deliverer,
  });
  try {
    await eb.idle();
    const delivered = (await sqs.drain(queue.url)).map((m) => JSON.parse(m.Body!).id).sort();
    expect(delivered).toEqual([...ids].sort());
  } finally {
    await eb.close();
  }
});
