// Retry/Catch, Fail, callbacks (waitForTaskToken), StopExecution and history through the API.
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
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
  UserError,
  waitFor,
} from "../../../test/stepfunctions/test-harness";

const LAMBDA = "arn:aws:states:::lambda:invoke";
let h: Harness;
const attempts: Record<string, number[]> = {};
const fakes = fakeIntegrations({
  // Fails until its third attempt; records the RetryCount it was given.
  flaky: (p) => {
    const { key, retry } = p as { key: string; retry: number };
    attempts[key] = [...(attempts[key] ?? []), retry];
    if ((attempts[key]?.length ?? 0) < 3) throw new UserError("Flaky", "not yet");
    return { ok: true };
  },
  decline: () => {
    throw new UserError("PaymentDeclined", "card declined");
  },
});

beforeAll(async () => {
  h = await startHarness(fakes.integrations);
});
afterAll(() => h.stop());

const tokenSentTo = (queueUrl: string) =>
  waitFor(async () => {
    const call = fakes.calls.find((c) => c.params.QueueUrl === queueUrl);
    return call
      ? (JSON.parse(call.params.MessageBody as string) as { token: string }).token
      : undefined;
  }, `a message on ${queueUrl}`);

const callbackMachine = (queueUrl: string, extra: object = {}) => ({
  StartAt: "Approve",
  States: {
    Approve: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: {
        QueueUrl: queueUrl,
        MessageBody: { "token.$": "$$.Task.Token", "order.$": "$.order" },
      },
      ResultPath: "$.approval",
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Rejected" }],
      End: true,
      ...extra,
    },
    Rejected: { Type: "Pass", End: true },
  },
});

describe("Retry and Catch", () => {
  it("retries with back-off and succeeds, with $$.State.RetryCount and one TaskScheduled per attempt", async () => {
    const out = await runMachine(h.client, {
      StartAt: "Charge",
      States: {
        Charge: {
          Type: "Task",
          Resource: LAMBDA,
          Parameters: {
            FunctionName: "flaky",
            Payload: { key: "a", "retry.$": "$$.State.RetryCount" },
          },
          Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 3 }],
          OutputPath: "$.Payload",
          End: true,
        },
      },
    });
    expect(out.status).toBe("SUCCEEDED");
    expect(out.parsed).toEqual({ ok: true });
    expect(attempts.a).toEqual([0, 1, 2]);
    const types = (await history(h.client, out.executionArn as string)).map((e) => e.type);
    expect(types.filter((t) => t === "TaskScheduled")).toHaveLength(3);
    expect(types.filter((t) => t === "TaskFailed")).toHaveLength(2);
    expect(types.slice(-3)).toEqual(["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
  });

  it("catches a Lambda error by its errorType once retries are exhausted, with {Error, Cause}", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "Charge",
        States: {
          Charge: {
            Type: "Task",
            Resource: LAMBDA,
            Parameters: { FunctionName: "decline", Payload: {} },
            Retry: [{ ErrorEquals: ["PaymentDeclined"], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [
              { ErrorEquals: ["PaymentDeclined"], ResultPath: "$.failure", Next: "Compensate" },
            ],
            End: true,
          },
          Compensate: { Type: "Pass", End: true },
        },
      },
      { orderId: "o1" },
    );
    expect(out.status).toBe("SUCCEEDED");
    expect(out.parsed.orderId).toBe("o1");
    expect(out.parsed.failure.Error).toBe("PaymentDeclined");
    expect(JSON.parse(out.parsed.failure.Cause)).toMatchObject({
      errorType: "PaymentDeclined",
      errorMessage: "card declined",
    });
    const events = await history(h.client, out.executionArn as string);
    expect(events.filter((e) => e.type === "TaskFailed")).toHaveLength(2);
  });

  it("names infrastructure and SDK errors by service, matched by States.TaskFailed", async () => {
    const out = await runMachine(h.client, {
      StartAt: "Missing",
      States: {
        Missing: {
          Type: "Task",
          Resource: LAMBDA,
          Parameters: { FunctionName: "no-such-function" },
          Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.lambda", Next: "Put" }],
          End: true,
        },
        Put: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Parameters: {
            TableName: "orders",
            Item: { pk: { S: "1" } },
            ConditionExpression: "fail",
          },
          Catch: [
            {
              ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"],
              ResultPath: "$.ddb",
              Next: "Done",
            },
          ],
          End: true,
        },
        Done: { Type: "Succeed" },
      },
    });
    expect(out.parsed.lambda.Error).toBe("Lambda.ResourceNotFoundException");
    expect(out.parsed.ddb.Error).toBe("DynamoDB.ConditionalCheckFailedException");
  });

  it("fails the execution from a Fail state with Error/Cause, including ErrorPath/CausePath", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "F",
        States: {
          F: {
            Type: "Fail",
            ErrorPath: "$.code",
            CausePath: "States.Format('order {} rejected', $.id)",
          },
        },
      },
      { code: "OrderRejected", id: 7 },
    );
    expect(out.status).toBe("FAILED");
    expect(out.error).toBe("OrderRejected");
    expect(out.cause).toBe("order 7 rejected");
    const last = (await history(h.client, out.executionArn as string)).at(-1);
    expect(last?.type).toBe("ExecutionFailed");
    expect(last?.executionFailedEventDetails).toEqual({
      error: "OrderRejected",
      cause: "order 7 rejected",
    });
  });
});

describe("waitForTaskToken", () => {
  it("pauses until SendTaskSuccess with the token it handed out", async () => {
    const arn = await createMachine(h.client, callbackMachine("q-success"));
    const exec = await start(h.client, arn, { order: "o1" });
    const token = await tokenSentTo("q-success");
    expect(token.length).toBeGreaterThan(40);
    await waitFor(
      async () =>
        (await history(h.client, exec)).some((e) => e.type === "TaskSubmitted") ? true : undefined,
      "TaskSubmitted",
    );
    await h.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await h.client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );
    const out = await finished(h.client, exec);
    expect(JSON.parse(out.output as string)).toEqual({ order: "o1", approval: { approved: true } });
    // The token is single-use.
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
  });

  it("routes SendTaskFailure to Catch with the sent error and cause", async () => {
    const arn = await createMachine(h.client, callbackMachine("q-failure"));
    const exec = await start(h.client, arn, { order: "o2" });
    const token = await tokenSentTo("q-failure");
    await h.client.send(
      new SendTaskFailureCommand({ taskToken: token, error: "Rejected", cause: "ops said no" }),
    );
    const out = await finished(h.client, exec);
    expect(JSON.parse(out.output as string).error).toEqual({
      Error: "Rejected",
      Cause: "ops said no",
    });
    // A task closed by a callback refuses the next one as AWS does (TaskTimedOut):
    // what a redelivered decision meets when its first delivery got through.
    await expect(
      h.client.send(new SendTaskFailureCommand({ taskToken: token, error: "Rejected" })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
  });

  it("times out with States.Timeout after TimeoutSeconds and refuses the late answer", async () => {
    const arn = await createMachine(h.client, callbackMachine("q-timeout", { TimeoutSeconds: 1 }));
    const exec = await start(h.client, arn, { order: "o3" });
    const token = await tokenSentTo("q-timeout");
    const out = await finished(h.client, exec);
    expect(JSON.parse(out.output as string).error.Error).toBe("States.Timeout");
    expect((await history(h.client, exec)).some((e) => e.type === "TaskTimedOut")).toBe(true);
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
  });

  // AWS reports a missed heartbeat as States.Timeout; States.HeartbeatTimeout is only a name
  // Retry and Catch may use (conformance.test.ts).
  it("times out with States.Timeout when heartbeats stop", async () => {
    const arn = await createMachine(
      h.client,
      callbackMachine("q-heartbeat", { HeartbeatSeconds: 1, TimeoutSeconds: 60 }),
    );
    const exec = await start(h.client, arn, { order: "o4" });
    await tokenSentTo("q-heartbeat");
    const out = await finished(h.client, exec);
    expect(JSON.parse(out.output as string).error.Error).toBe("States.Timeout");
  });
});

describe("StopExecution", () => {
  it("aborts a waiting execution, records ExecutionAborted and closes its tokens", async () => {
    const arn = await createMachine(h.client, callbackMachine("q-stop"));
    const exec = await start(h.client, arn, { order: "o5" });
    const token = await tokenSentTo("q-stop");
    await h.client.send(
      new StopExecutionCommand({ executionArn: exec, error: "Cancelled", cause: "customer" }),
    );
    const d = await h.client.send(new DescribeExecutionCommand({ executionArn: exec }));
    expect(d.status).toBe("ABORTED");
    expect(d.stopDate).toBeInstanceOf(Date);
    const last = (await history(h.client, exec)).at(-1);
    expect(last?.type).toBe("ExecutionAborted");
    expect(last?.executionAbortedEventDetails).toEqual({ error: "Cancelled", cause: "customer" });
    await expect(
      h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toMatchObject({ name: "TaskTimedOut" });
  });
});

describe("Wait", () => {
  it("waits for Seconds, SecondsPath, Timestamp and TimestampPath", async () => {
    const soon = new Date(Date.now() + 500).toISOString();
    const out = await runMachine(
      h.client,
      {
        StartAt: "S",
        States: {
          S: { Type: "Wait", Seconds: 1, Next: "SP" },
          SP: { Type: "Wait", SecondsPath: "$.s", Next: "T" },
          T: { Type: "Wait", Timestamp: "2000-01-01T00:00:00Z", Next: "TP" },
          TP: { Type: "Wait", TimestampPath: "$.at", OutputPath: "$.s", End: true },
        },
      },
      { s: 0, at: soon },
    );
    expect(out.parsed).toBe(0);
    const types = (await history(h.client, out.executionArn as string)).map((e) => e.type);
    expect(types.filter((t) => t === "WaitStateExited")).toHaveLength(4);
  });
});
