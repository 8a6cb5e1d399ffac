// kill -9 of a Scheduler process: an invocation it fired but never completed, and a
// schedule that came due while it was down, are each made once by the next process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Sqs, startSqs } from "../../../test/eventbridge/test-harness";
import { startReadyChild } from "../../../test/ready-child";
import { ACCOUNT, manualClock, REGION, ROLE } from "../../../test/scheduler/test-harness";
import { createSchedulerDeliverer } from "./aws-deliverer";
import { createScheduler } from "./service";

let sqs: Sqs;
const dataDir = mkdtempSync(join(tmpdir(), "scheduler-kill-"));
beforeAll(async () => {
  sqs = await startSqs();
});
afterAll(async () => {
  await sqs.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;

it("makes a fired invocation and a schedule due during the outage once each after a SIGKILL", async () => {
  const queue = await sqs.createQueue("after-kill");
  const { child, port } = await startReadyChild(
    join(import.meta.dirname, "../../../test/scheduler/kill-child.ts"),
    [dataDir],
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const client = new SchedulerClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const target = (Input: string) => ({ Arn: queue.arn, RoleArn: ROLE, Input });
  const started = Date.now();
  try {
    // Due now: the child fires it, its invocation hangs.
    await client.send(
      new CreateScheduleCommand({
        Name: "fired",
        ScheduleExpression: at(started - 60_000),
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: target("fired-before-kill"),
      }),
    );
    // Due in an hour: the cloud is down then.
    await client.send(
      new CreateScheduleCommand({
        Name: "due-while-down",
        ScheduleExpression: at(started + 3_600_000),
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: target("due-while-down"),
      }),
    );
    const deadline = Date.now() + 10_000;
    while (!output.includes("schedule/default/fired")) {
      if (Date.now() > deadline) throw new Error("the child never fired the due schedule");
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    client.destroy();
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  const clock = manualClock(started + 2 * 3_600_000);
  const deliverer = createSchedulerDeliverer({ endpoint: sqs.endpoint, region: REGION });
  const scheduler = createScheduler({
    dataDir,
    accountId: ACCOUNT,
    region: REGION,
    deliver: deliverer,
    now: clock.now,
    autoStart: false,
  });
  try {
    await scheduler.runDue();
    await scheduler.runDue();
    clock.advance(86_400_000);
    await scheduler.runDue();
    const bodies = (await sqs.drain(queue.url)).map((m) => m.Body).sort();
    expect(bodies).toEqual(["due-while-down", "fired-before-kill"]);
  } finally {
    await scheduler.close();
    deliverer.destroy();
  }
});
