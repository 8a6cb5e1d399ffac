// AWS-documented Step Functions semantics, table by table, through the SDK against the local
// runtime's HTTP endpoint: CreateStateMachine, StartExecution, DescribeExecution.
import {
  CreateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMachine,
  fakeIntegrations,
  finished,
  type Harness,
  history,
  ROLE,
  runMachine,
  start,
  startHarness,
  UserError,
} from "../../../test/stepfunctions/test-harness";
import { choiceCases, definitionCases, errorCases, intrinsicCases } from "./conformance-cases";

const ERRORS = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html";
const FAIL = "https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html";

let h: Harness;
const fakes = fakeIntegrations({
  ok: () => ({ ok: true }),
  decline: () => {
    throw new UserError("PaymentDeclined", "card declined");
  },
  // Outlives a 1 s TimeoutSeconds; the runtime abandons it.
  slow: () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 2500)),
});

beforeAll(async () => {
  h = await startHarness(fakes.integrations);
});
afterAll(() => h.stop());

describe.concurrent("intrinsic functions (docs examples)", () => {
  it.each(intrinsicCases)("$name ($doc)", async (c) => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "P",
        States: {
          P: { Type: "Pass", Parameters: { "value.$": c.expr }, OutputPath: "$.value", End: true },
        },
      },
      c.input,
    );
    expect(out.status, out.cause).toBe("SUCCEEDED");
    if (typeof c.expected === "function") expect(c.expected(out.parsed)).toBe(true);
    else expect(out.parsed).toEqual(c.expected);
  });
});

describe.concurrent("Choice rules (every operator)", () => {
  it.each(choiceCases)("$name → $expected", async (c) => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "C",
        States: {
          C: { Type: "Choice", Choices: [{ ...c.rule, Next: "Yes" }], Default: "No" },
          // Strings, not booleans: the outcome must not hang on how a Pass state outputs false.
          Yes: { Type: "Pass", Result: "matched", End: true },
          No: { Type: "Pass", Result: "default", End: true },
        },
      },
      c.input,
    );
    if (typeof c.expected === "string") {
      expect(out.status).toBe("FAILED");
      expect(out.error).toBe(c.expected);
    } else {
      expect(out.status, out.cause).toBe("SUCCEEDED");
      expect(out.parsed).toBe(c.expected ? "matched" : "default");
    }
  });
});

describe("error names and where they appear", () => {
  it.each(errorCases)("$name ($doc)", async (c) => {
    const out = await runMachine(h.client, c.definition, c.input ?? {});
    expect(out.status, out.cause).toBe(c.expected.status);
    if (c.expected.error !== undefined) expect(out.error).toBe(c.expected.error);
    if (c.expected.cause !== undefined) expect(out.cause).toMatch(c.expected.cause);
    if ("output" in c.expected) expect(out.parsed).toEqual(c.expected.output);
  });

  it(`a Fail state without Error or Cause leaves both absent (${FAIL})`, async () => {
    const out = await runMachine(h.client, { StartAt: "F", States: { F: { Type: "Fail" } } });
    expect(out.status).toBe("FAILED");
    expect(out).not.toHaveProperty("error");
    expect(out).not.toHaveProperty("cause");
    const events = await history(h.client, out.executionArn as string);
    const failed = events.find((e) => e.type === "ExecutionFailed");
    expect(failed?.executionFailedEventDetails ?? {}).toEqual({});
  });

  describe(`a missed heartbeat is States.Timeout, matched by States.HeartbeatTimeout too (${ERRORS})`, () => {
    // A callback task whose token is never answered nor heartbeated after the first beat.
    const callback = (queueUrl: string, handlers: object = {}) => ({
      StartAt: "Wait",
      States: {
        Wait: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: queueUrl, MessageBody: { "token.$": "$$.Task.Token" } },
          HeartbeatSeconds: 1,
          TimeoutSeconds: 60,
          End: true,
          ...handlers,
        },
        // Only a catcher reaches it (AWS rejects unreachable states).
        ...("Catch" in handlers
          ? { Caught: { Type: "Pass", OutputPath: "$.Error", End: true } }
          : {}),
      },
    });
    const catchOn = (name: string) => ({ Catch: [{ ErrorEquals: [name], Next: "Caught" }] });

    it("uncaught: the execution fails with States.Timeout", async () => {
      const out = await runMachine(h.client, callback("q-hb-uncaught"));
      expect(out.status).toBe("FAILED");
      expect(out.error).toBe("States.Timeout");
      const events = await history(h.client, out.executionArn as string);
      const timedOut = events.find((e) => e.type === "TaskTimedOut");
      expect(timedOut?.taskTimedOutEventDetails?.error).toBe("States.Timeout");
      const failed = events.find((e) => e.type === "ExecutionFailed");
      expect(failed?.executionFailedEventDetails?.error).toBe("States.Timeout");
    });

    it.each(["States.HeartbeatTimeout", "States.Timeout", "States.ALL"])(
      "caught by %s, whose error output names States.Timeout",
      async (name) => {
        const out = await runMachine(h.client, callback(`q-hb-${name}`, catchOn(name)));
        expect(out.status, out.cause).toBe("SUCCEEDED");
        expect(out.parsed).toBe("States.Timeout");
      },
    );

    it("not caught by States.TaskFailed", async () => {
      const out = await runMachine(
        h.client,
        callback("q-hb-taskfailed", catchOn("States.TaskFailed")),
      );
      expect(out.status).toBe("FAILED");
      expect(out.error).toBe("States.Timeout");
    });

    it("retried by a States.HeartbeatTimeout retrier", async () => {
      const arn = await createMachine(
        h.client,
        callback("q-hb-retry", {
          Retry: [{ ErrorEquals: ["States.HeartbeatTimeout"], IntervalSeconds: 1, MaxAttempts: 1 }],
        }),
      );
      const exec = await start(h.client, arn);
      const out = await finished(h.client, exec);
      expect(out.status).toBe("FAILED");
      expect(out.error).toBe("States.Timeout");
      const events = await history(h.client, exec);
      expect(events.filter((e) => e.type === "TaskScheduled")).toHaveLength(2);
    });
  });
});

describe("Pass state Result (docs: state-pass.html)", () => {
  const PASS = "https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html";
  it.each([false, 0, "", null, { nested: false }])(
    `Result %j is the state's output, whatever its truthiness (${PASS})`,
    async (result) => {
      const out = await runMachine(
        h.client,
        { StartAt: "P", States: { P: { Type: "Pass", Result: result, End: true } } },
        { input: "replaced" },
      );
      expect(out.status).toBe("SUCCEEDED");
      expect(out.parsed).toEqual(result);
    },
  );

  it(`a falsy Result honours ResultPath (${PASS})`, async () => {
    const out = await runMachine(
      h.client,
      { StartAt: "P", States: { P: { Type: "Pass", Result: 0, ResultPath: "$.n", End: true } } },
      { kept: true },
    );
    expect(out.parsed).toEqual({ kept: true, n: 0 });
  });
});

describe("definitions CreateStateMachine rejects (InvalidDefinition)", () => {
  it.each(definitionCases)("$name → valid: $valid ($doc)", async (c) => {
    let error: unknown;
    try {
      await h.client.send(
        new CreateStateMachineCommand({
          name: `def-${definitionCases.indexOf(c)}`,
          definition: JSON.stringify(c.definition),
          roleArn: ROLE,
        }),
      );
    } catch (err) {
      error = err;
    }
    if (c.valid) expect(error).toBeUndefined();
    else expect((error as Error | undefined)?.name).toBe("InvalidDefinition");
  });

  // ValidateStateMachineDefinition says FAIL exactly when CreateStateMachine would refuse.
  it.each(definitionCases)("ValidateStateMachineDefinition: $name → valid: $valid", async (c) => {
    const out = await h.client.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(c.definition) }),
    );
    expect(out.result).toBe(c.valid ? "OK" : "FAIL");
    expect(out.diagnostics).toHaveLength(c.valid ? 0 : 1);
  });
});
