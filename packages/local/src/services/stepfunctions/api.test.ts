// API contract: state machine lifecycle, idempotent starts, listing, history paging and
// AWS's errors for bad input (which must change nothing).
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
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
  start,
  startHarness,
} from "../../../test/stepfunctions/test-harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness(fakeIntegrations().integrations);
});
afterAll(() => h.stop());

const pass = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
const waitLong = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } };
const rejects = (p: Promise<unknown>, name: string) => expect(p).rejects.toMatchObject({ name });

describe("state machines", () => {
  it("creates idempotently, describes, updates, lists and deletes", async () => {
    const input = { name: "lifecycle", definition: JSON.stringify(pass), roleArn: ROLE };
    const created = await h.client.send(new CreateStateMachineCommand(input));
    const again = await h.client.send(new CreateStateMachineCommand(input));
    expect(again.stateMachineArn).toBe(created.stateMachineArn);
    expect(created.stateMachineArn).toBe(
      "arn:aws:states:us-east-1:000000000000:stateMachine:lifecycle",
    );
    await rejects(
      h.client.send(
        new CreateStateMachineCommand({ ...input, definition: JSON.stringify(waitLong) }),
      ),
      "StateMachineAlreadyExists",
    );

    const arn = created.stateMachineArn as string;
    await h.client.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(waitLong) }),
    );
    const d = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(d.definition as string)).toEqual(waitLong);
    expect(d).toMatchObject({
      name: "lifecycle",
      status: "ACTIVE",
      type: "STANDARD",
      roleArn: ROLE,
    });

    const listed = await h.client.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toContain("lifecycle");
    await h.client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await rejects(
      h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })),
      "StateMachineDoesNotExist",
    );
  });

  it.each([
    ["not JSON", "{nope"],
    [
      "a missing Next target",
      JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" } } }),
    ],
    [
      "an unknown StartAt",
      JSON.stringify({ StartAt: "X", States: { A: { Type: "Pass", End: true } } }),
    ],
    [
      "an unsupported integration",
      JSON.stringify({
        StartAt: "A",
        States: {
          A: {
            Type: "Task",
            Resource: "arn:aws:states:::dynamodb:getItem.waitForTaskToken",
            End: true,
          },
        },
      }),
    ],
    [
      "an unknown resource",
      JSON.stringify({
        StartAt: "A",
        States: { A: { Type: "Task", Resource: "arn:aws:states:::foo:bar", End: true } },
      }),
    ],
    [
      "a bad intrinsic",
      JSON.stringify({
        StartAt: "A",
        States: { A: { Type: "Pass", Parameters: { "x.$": "States.Nope(1)" }, End: true } },
      }),
    ],
  ])(
    "rejects a definition with %s as InvalidDefinition, creating nothing",
    async (_what, definition) => {
      const before = (await h.client.send(new ListStateMachinesCommand({}))).stateMachines?.length;
      await rejects(
        h.client.send(
          new CreateStateMachineCommand({ name: "bad-def", definition, roleArn: ROLE }),
        ),
        "InvalidDefinition",
      );
      expect((await h.client.send(new ListStateMachinesCommand({}))).stateMachines?.length).toBe(
        before,
      );
    },
  );

  it("rejects bad names and role ARNs", async () => {
    const definition = JSON.stringify(pass);
    await rejects(
      h.client.send(
        new CreateStateMachineCommand({ name: "has space", definition, roleArn: ROLE }),
      ),
      "InvalidName",
    );
    await rejects(
      h.client.send(new CreateStateMachineCommand({ name: "ok", definition, roleArn: "role" })),
      "InvalidArn",
    );
  });
});

describe("executions", () => {
  it("starts idempotently by name while running and refuses a different input", async () => {
    const sm = await createMachine(h.client, waitLong);
    const first = await start(h.client, sm, { a: 1 }, "order-1");
    expect(await start(h.client, sm, { a: 1 }, "order-1")).toBe(first);
    await rejects(start(h.client, sm, { a: 2 }, "order-1"), "ExecutionAlreadyExists");
    await h.client.send(new StopExecutionCommand({ executionArn: first }));
    // Closed executions keep their name.
    await rejects(start(h.client, sm, { a: 1 }, "order-1"), "ExecutionAlreadyExists");
  });

  it("rejects bad input to StartExecution and starts nothing", async () => {
    const sm = await createMachine(h.client, pass);
    await rejects(
      h.client.send(new StartExecutionCommand({ stateMachineArn: sm, input: "{not json" })),
      "InvalidExecutionInput",
    );
    const big = JSON.stringify({ blob: "x".repeat(256 * 1024) });
    await rejects(
      h.client.send(new StartExecutionCommand({ stateMachineArn: sm, input: big })),
      "ValidationException",
    );
    await rejects(
      h.client.send(new StartExecutionCommand({ stateMachineArn: "nope" })),
      "InvalidArn",
    );
    await rejects(
      h.client.send(
        new StartExecutionCommand({
          stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:ghost",
        }),
      ),
      "StateMachineDoesNotExist",
    );
    await rejects(
      h.client.send(new StartExecutionCommand({ stateMachineArn: sm, name: "bad name!" })),
      "InvalidName",
    );
    expect(
      (await h.client.send(new ListExecutionsCommand({ stateMachineArn: sm }))).executions,
    ).toEqual([]);
    await rejects(
      h.client.send(
        new DescribeExecutionCommand({
          executionArn: "arn:aws:states:us-east-1:000000000000:execution:x:y",
        }),
      ),
      "ExecutionDoesNotExist",
    );
  });

  it("lists with statusFilter and pages with maxResults/nextToken", async () => {
    const sm = await createMachine(h.client, waitLong);
    const arns = [];
    for (let i = 0; i < 5; i++) arns.push(await start(h.client, sm, {}, `e${i}`));
    await h.client.send(new StopExecutionCommand({ executionArn: arns[0] }));
    const running = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: "RUNNING" }),
    );
    expect(running.executions).toHaveLength(4);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await h.client.send(
        new ListExecutionsCommand({ stateMachineArn: sm, maxResults: 2, nextToken }),
      );
      expect(page.executions?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.executions ?? []).map((e) => e.executionArn as string));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen.sort()).toEqual([...arns].sort());
    await rejects(
      h.client.send(new ListExecutionsCommand({ stateMachineArn: sm, nextToken: "garbage" })),
      "InvalidToken",
    );
    for (const a of arns.slice(1))
      await h.client.send(new StopExecutionCommand({ executionArn: a }));
  });

  it("records history with AWS event types, ids, previousEventId and details; pages and reverses", async () => {
    const sm = await createMachine(h.client, {
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [{ Variable: "$.go", BooleanEquals: true, Next: "P" }],
          Default: "P",
        },
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "B", States: { B: { Type: "Pass", End: true } } }],
          Next: "M",
        },
        M: {
          Type: "Map",
          ItemProcessor: { StartAt: "I", States: { I: { Type: "Pass", End: true } } },
          Next: "W",
        },
        W: { Type: "Wait", Seconds: 0, End: true },
      },
    });
    const exec = await start(h.client, sm, { go: true });
    await finished(h.client, exec);
    const events = await history(h.client, exec);
    expect(events.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "ChoiceStateEntered",
      "ChoiceStateExited",
      "ParallelStateEntered",
      "ParallelStateStarted",
      "PassStateEntered",
      "PassStateExited",
      "ParallelStateSucceeded",
      "ParallelStateExited",
      "MapStateEntered",
      "MapStateStarted",
      "MapIterationStarted",
      "PassStateEntered",
      "PassStateExited",
      "MapIterationSucceeded",
      "MapStateSucceeded",
      "MapStateExited",
      "WaitStateEntered",
      "WaitStateExited",
      "ExecutionSucceeded",
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    for (const e of events.slice(1)) expect(e.previousEventId).toBeLessThan(e.id as number);
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[0]?.executionStartedEventDetails).toMatchObject({
      input: '{"go":true}',
      roleArn: ROLE,
    });
    expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: "C", input: '{"go":true}' });
    expect(events[10]?.mapStateStartedEventDetails).toEqual({ length: 1 });
    expect(events[11]?.mapIterationStartedEventDetails).toEqual({ name: "M", index: 0 });

    const reversed = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn: exec, reverseOrder: true, maxResults: 3 }),
    );
    expect(reversed.events?.map((e) => e.id)).toEqual([20, 19, 18]);
    const rest = await h.client.send(
      new GetExecutionHistoryCommand({
        executionArn: exec,
        reverseOrder: true,
        maxResults: 3,
        nextToken: reversed.nextToken,
      }),
    );
    expect(rest.events?.map((e) => e.id)).toEqual([17, 16, 15]);
  });
});

describe("definition validation", () => {
  const validate = (definition: unknown, type?: "STANDARD" | "EXPRESS") =>
    h.client.send(
      new ValidateStateMachineDefinitionCommand({
        definition: typeof definition === "string" ? definition : JSON.stringify(definition),
        ...(type ? { type } : {}),
      }),
    );

  it("answers OK for a definition CreateStateMachine accepts", async () => {
    expect(await validate(pass)).toMatchObject({ result: "OK", diagnostics: [], truncated: false });
  });

  it("answers FAIL with a located diagnostic for what CreateStateMachine rejects, creating nothing", async () => {
    const before = await h.client.send(new ListStateMachinesCommand({}));
    const statesAllFirst = {
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:000000000000:function:reserve",
          Next: "E",
          Catch: [
            { ErrorEquals: ["States.ALL"], Next: "E" },
            { ErrorEquals: ["States.Timeout"], Next: "E" },
          ],
        },
        E: { Type: "Succeed" },
      },
    };
    const out = await validate(statesAllFirst);
    expect(out).toMatchObject({ result: "FAIL", truncated: false });
    expect(out.diagnostics).toEqual([
      {
        severity: "ERROR",
        code: "SCHEMA_VALIDATION_FAILED",
        message: "States.ALL must appear alone in the last catcher",
        location: "/States/T/Catch[0]/ErrorEquals",
      },
    ]);

    expect((await validate("{nope")).diagnostics).toEqual([
      expect.objectContaining({ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION" }),
    ]);
    const sync = {
      StartAt: "Run",
      States: { Run: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } },
    };
    expect((await validate(sync)).diagnostics).toEqual([
      expect.objectContaining({ code: "UNSUPPORTED_FEATURE", location: "/States/Run/Resource" }),
    ]);
    // CreateStateMachine refuses EXPRESS machines locally, so validation does not pass them.
    expect(await validate(pass, "EXPRESS")).toMatchObject({
      result: "FAIL",
      diagnostics: [expect.objectContaining({ code: "UNSUPPORTED_FEATURE" })],
    });
    expect((await h.client.send(new ListStateMachinesCommand({}))).stateMachines).toEqual(
      before.stateMachines,
    );
  });

  it("rejects a missing definition and an unknown type with ValidationException", async () => {
    await rejects(validate(""), "ValidationException");
    await rejects(validate(pass, "BATCH" as "EXPRESS"), "ValidationException");
  });
});

describe("the state machine of an execution", () => {
  it("answers the version the execution runs, not the machine's current one", async () => {
    const created = await h.client.send(
      new CreateStateMachineCommand({
        name: "versioned",
        definition: JSON.stringify(waitLong),
        roleArn: ROLE,
      }),
    );
    const sm = created.stateMachineArn as string;
    const before = await start(h.client, sm, {}, "before-update");
    const updated = await h.client.send(
      new UpdateStateMachineCommand({ stateMachineArn: sm, definition: JSON.stringify(pass) }),
    );
    const after = await start(h.client, sm, {}, "after-update");

    const old = await h.client.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: before }),
    );
    expect(old).toMatchObject({
      stateMachineArn: sm,
      name: "versioned",
      roleArn: ROLE,
      loggingConfiguration: { level: "OFF", includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    expect(JSON.parse(old.definition as string)).toEqual(waitLong);
    expect(old.updateDate?.getTime()).toBe(created.creationDate?.getTime());

    const current = await h.client.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: after }),
    );
    expect(JSON.parse(current.definition as string)).toEqual(pass);
    expect(current.updateDate?.getTime()).toBe(updated.updateDate?.getTime());
    await h.client.send(new StopExecutionCommand({ executionArn: before }));
  });

  it("answers ExecutionDoesNotExist for an unknown execution and InvalidArn for a malformed ARN", async () => {
    await rejects(
      h.client.send(
        new DescribeStateMachineForExecutionCommand({
          executionArn: "arn:aws:states:us-east-1:000000000000:execution:versioned:nope",
        }),
      ),
      "ExecutionDoesNotExist",
    );
    await rejects(
      h.client.send(
        new DescribeStateMachineForExecutionCommand({
          executionArn: "arn:aws:states:us-east-1:000000000000:stateMachine:versioned",
        }),
      ),
      "InvalidArn",
    );
  });
});

describe("task tokens", () => {
  it("answers malformed, unknown and invalid-output calls with AWS's errors", async () => {
    await rejects(
      h.client.send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" })),
      "InvalidToken",
    );
    const unknown = `sfnl1.${"A".repeat(43)}`;
    await rejects(
      h.client.send(new SendTaskSuccessCommand({ taskToken: unknown, output: "{}" })),
      "TaskDoesNotExist",
    );
    await rejects(
      h.client.send(new SendTaskFailureCommand({ taskToken: unknown })),
      "TaskDoesNotExist",
    );
    await rejects(
      h.client.send(new SendTaskHeartbeatCommand({ taskToken: unknown })),
      "TaskDoesNotExist",
    );
    await rejects(
      h.client.send(new SendTaskSuccessCommand({ taskToken: unknown, output: "{bad" })),
      "InvalidOutput",
    );
  });
});
