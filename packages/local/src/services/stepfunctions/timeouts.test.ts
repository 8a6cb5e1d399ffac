// Timeouts: the execution's top-level TimeoutSeconds (TIMED_OUT, ExecutionTimedOut, nothing
// after it, also when the process was down past the deadline), and a Task's
// TimeoutSecondsPath / HeartbeatSecondsPath read from the state input (both States.Timeout, as
// AWS reports a missed heartbeat, and catchable; a bad value is States.Runtime).
import {
  DescribeExecutionCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMachine,
  fakeIntegrations,
  finished,
  type Harness,
  history,
  runMachine,
  start,
  startHarness,
  waitFor,
} from "../../../test/stepfunctions/test-harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slowReturned: string[] = [];
const fakes = fakeIntegrations({
  // Answers after `ms` milliseconds.
  slow: async (p) => {
    const { ms, tag } = p as { ms: number; tag: string };
    await sleep(ms);
    slowReturned.push(tag);
    return { tag };
  },
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness(fakes.integrations);
});
afterAll(() => h.stop());

const types = async (executionArn: string) =>
  (await history(h.client, executionArn)).map((e) => e.type);

const tokenSentTo = (queueUrl: string) =>
  waitFor(async () => {
    const call = fakes.calls.find((c) => c.params.QueueUrl === queueUrl);
    return call
      ? (JSON.parse(call.params.MessageBody as string) as { token: string }).token
      : undefined;
  }, `a message on ${queueUrl}`);

describe("execution TimeoutSeconds", () => {
  it("ends TIMED_OUT with ExecutionTimedOut as the last event, while a Wait is pending", async () => {
    const out = await runMachine(h.client, {
      TimeoutSeconds: 1,
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 30, End: true } },
    });
    expect(out.status).toBe("TIMED_OUT");
    expect(out.stopDate).toBeInstanceOf(Date);
    expect(out.output).toBeUndefined();
    const events = await history(h.client, out.executionArn as string);
    expect(events.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "WaitStateEntered",
      "ExecutionTimedOut",
    ]);
    const last = events.at(-1);
    expect(last?.executionTimedOutEventDetails?.error).toBe("States.Timeout");
    expect(last?.previousEventId).toBe(2);
    const startedAt = Number(events[0]?.timestamp);
    const timedOutAt = Number(last?.timestamp);
    expect(timedOutAt - startedAt).toBeGreaterThanOrEqual(950);
    // The deadline ended it, not the 30 s Wait: read from the history, not the test's clock.
    expect(timedOutAt - startedAt).toBeLessThan(30_000);
  });

  it("is not caught by the running task's Catch, and the late task result writes nothing", async () => {
    const arn = await createMachine(h.client, {
      TimeoutSeconds: 1,
      StartAt: "Slow",
      States: {
        Slow: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: "slow", Payload: { ms: 2_000, tag: "exec-timeout" } },
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }],
          Next: "After",
        },
        After: { Type: "Pass", End: true },
        Caught: { Type: "Pass", End: true },
      },
    });
    const exec = await start(h.client, arn);
    const out = await finished(h.client, exec);
    expect(out.status).toBe("TIMED_OUT");
    expect(out.error).toBe("States.Timeout");
    const before = await types(exec);
    expect(before.at(-1)).toBe("ExecutionTimedOut");
    // The Lambda answers after the execution ended: nothing more may be recorded.
    await waitFor(
      async () => (slowReturned.includes("exec-timeout") ? true : undefined),
      "the slow function to return",
    );
    await sleep(100);
    expect(await types(exec)).toEqual(before);
    const d = await h.client.send(new DescribeExecutionCommand({ executionArn: exec }));
    expect(d.status).toBe("TIMED_OUT");
  });

  it("closes the pending task token of a timed-out execution", async () => {
    const arn = await createMachine(h.client, {
      TimeoutSeconds: 1,
      StartAt: "Approve",
      States: {
        Approve: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: "q-exec-timeout", MessageBody: { "token.$": "$$.Task.Token" } },
          End: true,
        },
      },
    });
    const exec = await start(h.client, arn);
    const token = await tokenSentTo("q-exec-timeout");
    expect((await finished(h.client, exec)).status).toBe("TIMED_OUT");
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
  });

  it("times out at once, taking no further step, when resumed after its deadline", async () => {
    const first = await startHarness(fakes.integrations);
    const arn = await createMachine(first.client, {
      TimeoutSeconds: 1,
      StartAt: "W",
      States: {
        W: { Type: "Wait", Seconds: 1, Next: "P" },
        P: { Type: "Pass", End: true },
      },
    });
    const exec = await start(first.client, arn);
    await waitFor(
      async () =>
        (await history(first.client, exec)).some((e) => e.type === "WaitStateEntered")
          ? true
          : undefined,
      "the Wait to start",
    );
    // The process goes away before either deadline and comes back after both.
    await first.stop();
    await sleep(1_300);
    const second = await startHarness(fakes.integrations, first.dataDir);
    try {
      const out = await finished(second.client, exec);
      expect(out.status).toBe("TIMED_OUT");
      expect((await history(second.client, exec)).map((e) => e.type)).toEqual([
        "ExecutionStarted",
        "WaitStateEntered",
        "ExecutionTimedOut",
      ]);
    } finally {
      await second.stop();
    }
  });

  it("does not fire when the execution finishes in time", async () => {
    const out = await runMachine(h.client, {
      TimeoutSeconds: 1,
      StartAt: "P",
      States: { P: { Type: "Pass", End: true } },
    });
    expect(out.status).toBe("SUCCEEDED");
    await sleep(1_200);
    expect((await types(out.executionArn as string)).at(-1)).toBe("ExecutionSucceeded");
  });
});

const LAMBDA = "arn:aws:states:::lambda:invoke";

describe("Task TimeoutSecondsPath", () => {
  const slowTask = (tag: string, ms: number, extra: object = {}) => ({
    StartAt: "Slow",
    States: {
      Slow: {
        Type: "Task",
        Resource: LAMBDA,
        TimeoutSecondsPath: "$.limits.timeout",
        Parameters: { FunctionName: "slow", Payload: { ms, tag } },
        ResultSelector: { "tag.$": "$.Payload.tag" },
        ResultPath: "$.result",
        // States.TaskFailed does not match States.Timeout; the second catcher does.
        Catch: [
          { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.failed", Next: "Failed" },
          { ErrorEquals: ["States.Timeout"], ResultPath: "$.timedOut", Next: "TimedOut" },
        ],
        End: true,
        ...extra,
      },
      Failed: { Type: "Pass", End: true },
      TimedOut: { Type: "Pass", End: true },
    },
  });

  it("fails the task with States.Timeout after the seconds read from the input, caught", async () => {
    const out = await runMachine(h.client, slowTask("path-timeout", 3_000), {
      limits: { timeout: 1 },
    });
    expect(out.status).toBe("SUCCEEDED");
    expect(out.parsed.timedOut).toEqual({ Error: "States.Timeout", Cause: "" });
    expect(out.parsed.failed).toBeUndefined();
    const events = await history(h.client, out.executionArn as string);
    expect(events.find((e) => e.type === "TaskScheduled")?.taskScheduledEventDetails).toMatchObject(
      { timeoutInSeconds: 1 },
    );
    const timedOut = events.find((e) => e.type === "TaskTimedOut");
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({
      resourceType: "lambda",
      resource: "invoke",
      error: "States.Timeout",
    });
    expect(events.some((e) => e.type === "TaskSucceeded")).toBe(false);
    // The input's 1 s ended it, before the 3 s task could: the history's own timestamps say so.
    const scheduledAt = Number(events.find((e) => e.type === "TaskScheduled")?.timestamp);
    expect(Number(timedOut?.timestamp) - scheduledAt).toBeLessThan(3_000);
  });

  it("lets a task finish within the seconds read from the input", async () => {
    const out = await runMachine(h.client, slowTask("path-in-time", 50), {
      limits: { timeout: 5 },
    });
    expect(out.parsed.result).toEqual({ tag: "path-in-time" });
    const events = await history(h.client, out.executionArn as string);
    expect(
      events.find((e) => e.type === "TaskScheduled")?.taskScheduledEventDetails?.timeoutInSeconds,
    ).toBe(5);
  });

  it("reads the path after InputPath, and times out a Lambda ARN resource as LambdaFunctionTimedOut", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "Slow",
        States: {
          Slow: {
            Type: "Task",
            Resource: "arn:aws:lambda:us-east-1:000000000000:function:slow",
            InputPath: "$.call",
            TimeoutSecondsPath: "$.limit",
            Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.error", Next: "Caught" }],
            End: true,
          },
          Caught: { Type: "Pass", End: true },
        },
      },
      { call: { ms: 3_000, tag: "direct", limit: 1 } },
    );
    expect(out.parsed.error.Error).toBe("States.Timeout");
    const t = await types(out.executionArn as string);
    expect(t).toContain("LambdaFunctionTimedOut");
    expect(t).not.toContain("TaskTimedOut");
  });

  it.each([
    ["zero", 0],
    ["a string", "5"],
    ["a fraction", 1.5],
    ["missing", undefined],
  ])("fails the execution with States.Runtime (not caught) when the value is %s", async (_w, v) => {
    const out = await runMachine(
      h.client,
      slowTask("bad-path", 10, {
        Catch: [
          { ErrorEquals: ["States.Timeout"], Next: "TimedOut" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "Failed" },
        ],
      }),
      { limits: v === undefined ? {} : { timeout: v } },
    );
    expect(out.status).toBe("FAILED");
    expect(out.error).toBe("States.Runtime");
    expect(out.cause).toMatch(/TimeoutSecondsPath/);
    expect(await types(out.executionArn as string)).not.toContain("TaskScheduled");
  });
});

describe("Task HeartbeatSecondsPath (callback)", () => {
  const callback = (queueUrl: string) => ({
    StartAt: "Approve",
    States: {
      Approve: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        HeartbeatSecondsPath: "$.heartbeat",
        TimeoutSecondsPath: "$.timeout",
        Parameters: { QueueUrl: queueUrl, MessageBody: { "token.$": "$$.Task.Token" } },
        ResultPath: "$.approval",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Rejected" }],
        End: true,
      },
      Rejected: { Type: "Pass", End: true },
    },
  });

  it("fails with States.Timeout when no heartbeat comes within the input's seconds, caught", async () => {
    const arn = await createMachine(h.client, callback("q-hb-path"));
    const exec = await start(h.client, arn, { heartbeat: 1, timeout: 30 });
    const token = await tokenSentTo("q-hb-path");
    const out = await finished(h.client, exec);
    expect(JSON.parse(out.output as string).error).toEqual({ Error: "States.Timeout", Cause: "" });
    const events = await history(h.client, exec);
    expect(events.find((e) => e.type === "TaskScheduled")?.taskScheduledEventDetails).toMatchObject(
      { heartbeatInSeconds: 1, timeoutInSeconds: 30 },
    );
    const timedOut = events.find((e) => e.type === "TaskTimedOut");
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe("States.Timeout");
    // The missed heartbeat (1 s) ended it, not the 30 s task timeout.
    const scheduledAt = Number(events.find((e) => e.type === "TaskScheduled")?.timestamp);
    expect(Number(timedOut?.timestamp) - scheduledAt).toBeLessThan(30_000);
    await expect(
      h.client.send(new SendTaskHeartbeatCommand({ taskToken: token })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
  });

  it("keeps the task alive while heartbeats arrive within the input's seconds", async () => {
    const arn = await createMachine(h.client, callback("q-hb-alive"));
    const exec = await start(h.client, arn, { heartbeat: 1, timeout: 30 });
    const token = await tokenSentTo("q-hb-alive");
    // 1.8 s in all, never more than 0.6 s without a heartbeat.
    for (let i = 0; i < 3; i++) {
      await sleep(600);
      await h.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    await h.client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: true }) }),
    );
    const out = await finished(h.client, exec);
    expect(JSON.parse(out.output as string).approval).toEqual({ ok: true });
  });

  it("fails with States.Timeout at the input's TimeoutSecondsPath despite heartbeats", async () => {
    const arn = await createMachine(h.client, callback("q-timeout-path"));
    const exec = await start(h.client, arn, { heartbeat: 1, timeout: 2 });
    const token = await tokenSentTo("q-timeout-path");
    const beat = setInterval(
      () => void h.client.send(new SendTaskHeartbeatCommand({ taskToken: token })).catch(() => {}),
      400,
    );
    try {
      const out = await finished(h.client, exec);
      expect(JSON.parse(out.output as string).error.Error).toBe("States.Timeout");
    } finally {
      clearInterval(beat);
    }
  });

  it("fails the execution with States.Runtime when the heartbeat value is not a positive integer", async () => {
    const arn = await createMachine(h.client, callback("q-hb-bad"));
    const out = await finished(h.client, await start(h.client, arn, { heartbeat: -1, timeout: 5 }));
    expect(out.status).toBe("FAILED");
    expect(out.error).toBe("States.Runtime");
    expect(out.cause).toMatch(/HeartbeatSecondsPath/);
    expect(fakes.calls.some((c) => c.params.QueueUrl === "q-hb-bad")).toBe(false);
  });
});
