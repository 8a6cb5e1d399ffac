// Firing through real components: schedules invoke SQS (fauxqs) and Step
// Functions (our runtime) through the SDK deliverer, on an injected clock; the
// retry policy, the DLQ and its attributes; DISABLED; ActionAfterCompletion;
// flexible windows; late firing after a restart.
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sqs, startSqs } from "../../../test/eventbridge/test-harness";
import {
  manualClock,
  ROLE,
  type SchedulerHarness,
  startScheduler,
} from "../../../test/scheduler/test-harness";
import {
  createMachine,
  fakeIntegrations,
  finished,
  type Harness,
  start,
  startHarness,
  waitFor,
} from "../../../test/stepfunctions/test-harness";
import { createSchedulerDeliverer } from "./aws-deliverer";
import type { ScheduleDeliverer } from "./types";

const MINUTE = 60_000;
let sqs: Sqs;
let deliverer: ReturnType<typeof createSchedulerDeliverer>;
beforeAll(async () => {
  sqs = await startSqs();
  deliverer = createSchedulerDeliverer({ endpoint: sqs.endpoint, region: "us-east-1" });
});
afterAll(async () => {
  deliverer.destroy();
  await sqs.stop();
});

/** `at(...)` of an instant, in UTC. */
const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;
const oneTime = (
  Name: string,
  when: number,
  Target: CreateScheduleCommandInput["Target"],
  more: Partial<CreateScheduleCommandInput> = {},
) =>
  new CreateScheduleCommand({
    Name,
    ScheduleExpression: at(when),
    FlexibleTimeWindow: { Mode: "OFF" },
    Target,
    ...more,
  });

describe("firing", () => {
  // Each reading moves the clock by 1 ms: no step may assume two readings agree.
  const clock = manualClock(undefined, 1);
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await startScheduler({ now: clock.now, deliver: deliverer, random: () => 0.5 });
  });
  afterAll(() => h.stop());

  it("a one-time schedule sends its Input to an SQS queue once, at its time", async () => {
    const queue = await sqs.createQueue("one-time");
    await h.client.send(
      oneTime("pay-by", clock.now() + 30 * MINUTE, {
        Arn: queue.arn,
        RoleArn: ROLE,
        Input: '{"orderId":"o-1"}',
      }),
    );
    clock.advance(30 * MINUTE - 1000);
    await h.scheduler.runDue();
    expect(await sqs.drain(queue.url)).toEqual([]);
    clock.advance(1000);
    await h.scheduler.runDue();
    clock.advance(MINUTE);
    await h.scheduler.runDue();
    expect((await sqs.drain(queue.url)).map((m) => m.Body)).toEqual(['{"orderId":"o-1"}']);
    // ActionAfterCompletion NONE: the completed schedule stays.
    await expect(h.client.send(new GetScheduleCommand({ Name: "pay-by" }))).resolves.toBeTruthy();
  });

  it("ActionAfterCompletion DELETE deletes a one-time schedule once it fired", async () => {
    const queue = await sqs.createQueue("delete-after");
    await h.client.send(
      oneTime(
        "self-deleting",
        clock.now() + MINUTE,
        { Arn: queue.arn, RoleArn: ROLE, Input: "bye" },
        { ActionAfterCompletion: "DELETE" },
      ),
    );
    await h.scheduler.runDue();
    await expect(
      h.client.send(new GetScheduleCommand({ Name: "self-deleting" })),
    ).resolves.toBeTruthy();
    clock.advance(MINUTE);
    await h.scheduler.runDue();
    expect((await sqs.drain(queue.url)).map((m) => m.Body)).toEqual(["bye"]);
    await expect(h.client.send(new GetScheduleCommand({ Name: "self-deleting" }))).rejects.toThrow(
      ResourceNotFoundException,
    );
  });

  it("a DISABLED schedule never fires; enabled, a past one-time schedule fires at once", async () => {
    const queue = await sqs.createQueue("disabled");
    const target = { Arn: queue.arn, RoleArn: ROLE, Input: "late" };
    await h.client.send(oneTime("off", clock.now() + MINUTE, target, { State: "DISABLED" }));
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * MINUTE);
      await h.scheduler.runDue();
    }
    expect(await sqs.drain(queue.url)).toEqual([]);
    await h.client.send(
      new UpdateScheduleCommand({
        Name: "off",
        ScheduleExpression: at(clock.now() - 29 * MINUTE),
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: target,
        State: "ENABLED",
      }),
    );
    await h.scheduler.runDue();
    expect((await sqs.drain(queue.url)).map((m) => m.Body)).toEqual(["late"]);
  });

  it("a rate schedule fires every period; a flexible window delays each invocation within it", async () => {
    const queue = await sqs.createQueue("rate");
    const start = clock.now();
    await h.client.send(
      new CreateScheduleCommand({
        Name: "every-10",
        ScheduleExpression: "rate(10 minutes)",
        FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 4 },
        Target: { Arn: queue.arn, RoleArn: ROLE, Input: "tick" },
      }),
    );
    // random() = 0.5: each invocation 2 minutes into its 4-minute window.
    const seen: number[] = [];
    for (let t = 0; t <= 25 * MINUTE; t += MINUTE) {
      clock.set(start + t);
      await h.scheduler.runDue();
      if ((await sqs.drain(queue.url)).length) seen.push(t / MINUTE);
    }
    expect(seen).toEqual([2, 12, 22]);
  });
});

describe("retry policy and dead-letter queue", () => {
  const clock = manualClock();
  let h: SchedulerHarness;
  const attempts: string[] = [];
  /** The target always throttles; the DLQ is real. */
  const throttled: ScheduleDeliverer = {
    async invoke(target) {
      attempts.push(target.Arn);
      throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    },
    deadLetter: (...args) => deliverer.deadLetter(...args),
  };
  beforeAll(async () => {
    h = await startScheduler({ now: clock.now, deliver: throttled });
  });
  afterAll(() => h.stop());

  it("retries with backoff up to MaximumRetryAttempts, then sends the dead-letter event", async () => {
    const dlq = await sqs.createQueue("retry-dlq");
    const target = `arn:aws:sqs:us-east-1:000000000000:throttled`;
    const { ScheduleArn } = await h.client.send(
      oneTime("flaky", clock.now(), {
        Arn: target,
        RoleArn: ROLE,
        Input: '{"n":1}',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: dlq.arn },
      }),
    );
    await h.scheduler.runDue();
    expect(attempts).toHaveLength(1);
    // Backoff: the retry is not made at once.
    await h.scheduler.runDue();
    expect(attempts).toHaveLength(1);
    expect(await sqs.drain(dlq.url)).toEqual([]);
    for (let i = 0; i < 10; i++) {
      clock.advance(MINUTE);
      await h.scheduler.runDue();
    }
    expect(attempts).toHaveLength(3);
    const [dead, ...more] = await sqs.drain(dlq.url);
    expect(more).toEqual([]);
    expect(dead!.Body).toBe('{"n":1}');
    const attributes = Object.fromEntries(
      Object.entries(dead!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attributes).toMatchObject({
      ERROR_CODE: "ThrottlingException",
      ERROR_MESSAGE: "Rate exceeded",
      EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
      RETRY_ATTEMPTS: "2",
      SCHEDULE_ARN: ScheduleArn,
      TARGET_ARN: target,
    });
  });

  it("gives up after MaximumEventAgeInSeconds", async () => {
    const dlq = await sqs.createQueue("age-dlq");
    attempts.length = 0;
    await h.client.send(
      oneTime("old", clock.now(), {
        Arn: "arn:aws:sqs:us-east-1:000000000000:aged",
        RoleArn: ROLE,
        Input: "old",
        RetryPolicy: { MaximumEventAgeInSeconds: 60 },
        DeadLetterConfig: { Arn: dlq.arn },
      }),
    );
    await h.scheduler.runDue();
    clock.advance(2 * MINUTE);
    await h.scheduler.runDue();
    const [dead] = await sqs.drain(dlq.url);
    expect(dead!.MessageAttributes!.EXHAUSTED_RETRY_CONDITION!.StringValue).toBe(
      "MaximumEventAgeInSeconds",
    );
    expect(attempts).toHaveLength(2);
  });
});

describe("permanent failures", () => {
  const clock = manualClock();
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await startScheduler({ now: clock.now, deliver: deliverer });
  });
  afterAll(() => h.stop());

  it("a target that does not exist goes straight to the DLQ, without retries", async () => {
    const dlq = await sqs.createQueue("missing-dlq");
    const missing = "arn:aws:sqs:us-east-1:000000000000:no-such-queue";
    await h.client.send(
      oneTime("to-nowhere", clock.now(), {
        Arn: missing,
        RoleArn: ROLE,
        Input: "lost",
        DeadLetterConfig: { Arn: dlq.arn },
      }),
    );
    await h.scheduler.runDue();
    const [dead] = await sqs.drain(dlq.url);
    expect(dead!.Body).toBe("lost");
    expect(dead!.MessageAttributes!.RETRY_ATTEMPTS!.StringValue).toBe("0");
    expect(dead!.MessageAttributes!.TARGET_ARN!.StringValue).toBe(missing);
    expect(dead!.MessageAttributes!.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
  });
});

describe("late firing after a restart", () => {
  const clock = manualClock();
  let h: SchedulerHarness;
  beforeAll(async () => {
    h = await startScheduler({ now: clock.now, deliver: deliverer });
  });
  afterAll(() => h.stop());

  it("a recurring schedule whose occurrences passed while it was down fires once on start", async () => {
    const queue = await sqs.createQueue("late-rate");
    await h.client.send(
      new CreateScheduleCommand({
        Name: "hourly",
        ScheduleExpression: "cron(0 * * * ? *)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: queue.arn, RoleArn: ROLE, Input: "sweep" },
      }),
    );
    await h.scheduler.close();
    clock.advance(5 * 60 * MINUTE);
    await h.restart();
    await h.scheduler.runDue();
    await h.scheduler.runDue();
    expect((await sqs.drain(queue.url)).map((m) => m.Body)).toEqual(["sweep"]);
    clock.advance(60 * MINUTE);
    await h.scheduler.runDue();
    expect((await sqs.drain(queue.url)).map((m) => m.Body)).toEqual(["sweep"]);
  });
});

describe("universal targets", () => {
  const clock = manualClock();
  let h: SchedulerHarness;
  let sfn: Harness;
  const fakes = fakeIntegrations();
  let sfnDeliverer: ReturnType<typeof createSchedulerDeliverer>;
  beforeAll(async () => {
    sfn = await startHarness(fakes.integrations);
    sfnDeliverer = createSchedulerDeliverer({ endpoint: sfn.server.url, region: "us-east-1" });
    h = await startScheduler({ now: clock.now, deliver: sfnDeliverer });
  });
  afterAll(async () => {
    await h.stop();
    sfnDeliverer.destroy();
    await sfn.stop();
  });

  /** An execution waiting on a task token, and its token. */
  async function waiting() {
    const machine = await createMachine(sfn.client, {
      StartAt: "Wait",
      States: {
        Wait: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: "q", "MessageBody.$": "$$.Task.Token" },
          End: true,
        },
      },
    });
    const executionArn = await start(sfn.client, machine);
    const token = await waitFor(
      async () =>
        fakes.calls.find(
          (c) => c.action === "sendMessage" && !usedTokens.has(String(c.params.MessageBody)),
        )?.params.MessageBody as string | undefined,
      "the task token",
    );
    usedTokens.add(token);
    return { executionArn, token };
  }
  const usedTokens = new Set<string>();

  // Input is the API's request, with its member names as in Step Functions' API reference.
  it("aws-sdk:sfn:sendTaskSuccess completes the waiting task with the Input's output", async () => {
    const { executionArn, token } = await waiting();
    await h.client.send(
      oneTime("succeed", clock.now(), {
        Arn: "arn:aws:scheduler:::aws-sdk:sfn:sendTaskSuccess",
        RoleArn: ROLE,
        Input: JSON.stringify({ taskToken: token, output: '{"paid":true}' }),
      }),
    );
    await h.scheduler.runDue();
    const done = await finished(sfn.client, executionArn);
    expect(done.status).toBe("SUCCEEDED");
    expect(JSON.parse(done.output!)).toEqual({ paid: true });
  });

  it("aws-sdk:sfn:sendTaskFailure fails it with the Input's error", async () => {
    const { executionArn, token } = await waiting();
    await h.client.send(
      oneTime("deadline", clock.now(), {
        Arn: "arn:aws:scheduler:::aws-sdk:sfn:sendTaskFailure",
        RoleArn: ROLE,
        Input: JSON.stringify({ taskToken: token, error: "PaymentDeadline", cause: "unpaid" }),
      }),
    );
    await h.scheduler.runDue();
    const done = await finished(sfn.client, executionArn);
    expect(done).toMatchObject({ status: "FAILED", error: "PaymentDeadline", cause: "unpaid" });
  });
});
