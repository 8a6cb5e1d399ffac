import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventBridge, TargetDeliverer } from "@orders/local/services/eventbridge/index";
import { createEventBridge } from "@orders/local/services/eventbridge/index";
import type { StepFunctions } from "@orders/local/services/stepfunctions/index";
import { createStepFunctions } from "@orders/local/services/stepfunctions/index";
import { fakeIntegrations } from "@orders/local/test/stepfunctions/test-harness";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anyJson,
  edgeNumber,
  edgeString,
  FUZZ_TEST_TIMEOUT_MS,
  fuzzParameters,
  mutateObject,
  notJson,
  STABLE_CODE,
} from "./fuzz";

// The AWS endpoint's two home-grown services, fuzzed through the `handle`
// factories the :4566 router calls: any action name with any body must get an
// answer, never a 5xx or a throw; a refusal is a 4xx with a stable `__type`
// and leaves every rule, target, archive, replay, state machine and execution
// as it was, with no target invoked.

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: unknown;
}

function expectWellFormedRefusal(out: Answer) {
  expect(out.status).toBeGreaterThanOrEqual(400);
  expect(out.status).toBeLessThan(500);
  const type = (out.body as { __type?: unknown })?.__type;
  expect(typeof type).toBe("string");
  expect(type as string).toMatch(STABLE_CODE);
  expect(typeof (out.body as { message?: unknown }).message).toBe("string");
}

// ─── EventBridge ─────────────────────────────────────────────────────────────

const ebActions = [
  "PutEvents",
  "PutRule",
  "DescribeRule",
  "DeleteRule",
  "EnableRule",
  "DisableRule",
  "ListRules",
  "PutTargets",
  "RemoveTargets",
  "ListTargetsByRule",
  "CreateEventBus",
  "DeleteEventBus",
  "DescribeEventBus",
  "ListEventBuses",
  "TestEventPattern",
  "CreateArchive",
  "DescribeArchive",
  "DeleteArchive",
  "ListArchives",
  "StartReplay",
  "DescribeReplay",
  "CancelReplay",
  "ListReplays",
] as const;

const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:fuzz-target`;

/** Bodies near a valid request for each action, so validation is exercised past the first field. */
const ebTemplates: Record<string, Record<string, unknown>> = {
  PutEvents: {
    Entries: [
      {
        Source: "orders.api",
        DetailType: "OrderPlaced.v1",
        Detail: '{"orderId":"o"}',
        EventBusName: "fuzz-bus",
      },
    ],
  },
  PutRule: { Name: "fuzz-rule-new", EventBusName: "fuzz-bus", EventPattern: '{"source":["x"]}' },
  DescribeRule: { Name: "fuzz-rule", EventBusName: "fuzz-bus" },
  DeleteRule: { Name: "fuzz-rule", EventBusName: "fuzz-bus" },
  EnableRule: { Name: "fuzz-rule", EventBusName: "fuzz-bus" },
  DisableRule: { Name: "fuzz-rule", EventBusName: "fuzz-bus" },
  ListRules: { EventBusName: "fuzz-bus", Limit: 10 },
  PutTargets: {
    Rule: "fuzz-rule",
    EventBusName: "fuzz-bus",
    Targets: [{ Id: "t2", Arn: QUEUE_ARN }],
  },
  RemoveTargets: { Rule: "fuzz-rule", EventBusName: "fuzz-bus", Ids: ["t1"] },
  ListTargetsByRule: { Rule: "fuzz-rule", EventBusName: "fuzz-bus" },
  CreateEventBus: { Name: "fuzz-bus-2" },
  DeleteEventBus: { Name: "fuzz-bus" },
  DescribeEventBus: { Name: "fuzz-bus" },
  ListEventBuses: { Limit: 5 },
  TestEventPattern: {
    EventPattern: '{"source":["a"]}',
    Event: JSON.stringify({
      id: "1",
      account: ACCOUNT,
      source: "a",
      time: "2025-01-01T00:00:00Z",
      region: REGION,
      "detail-type": "x",
      detail: {},
    }),
  },
  CreateArchive: {
    ArchiveName: "fuzz-archive-2",
    EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/fuzz-bus`,
  },
  DescribeArchive: { ArchiveName: "fuzz-archive" },
  DeleteArchive: { ArchiveName: "fuzz-archive" },
  ListArchives: {},
  StartReplay: {
    ReplayName: "fuzz-replay",
    EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:archive/fuzz-archive`,
    EventStartTime: 1_700_000_000,
    EventEndTime: 1_700_000_100,
    Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/fuzz-bus` },
  },
  DescribeReplay: { ReplayName: "fuzz-replay" },
  CancelReplay: { ReplayName: "fuzz-replay" },
  ListReplays: {},
};

/** Everything a write could change, read through the API itself. */
async function ebFingerprint(eb: EventBridge) {
  const read = async (action: string, body: object) => {
    const out = await eb.handle(action, body);
    expect(out.status).toBe(200);
    return out.body as Record<string, unknown>;
  };
  const buses = ((await read("ListEventBuses", {})).EventBuses as { Name: string }[]).map(
    (b) => b.Name,
  );
  const rules: unknown[] = [];
  for (const bus of buses) {
    for (const rule of (await read("ListRules", { EventBusName: bus })).Rules as {
      Name: string;
    }[]) {
      rules.push(rule, await read("ListTargetsByRule", { Rule: rule.Name, EventBusName: bus }));
    }
  }
  return JSON.stringify({
    buses,
    rules,
    archives: await read("ListArchives", {}),
    replays: await read("ListReplays", {}),
  });
}

describe("EventBridge API: malformed and boundary requests", () => {
  let eb: EventBridge;
  const invocations: string[] = [];
  beforeAll(async () => {
    const deliver: TargetDeliverer = {
      sqs: async (arn) => void invocations.push(arn),
      sns: async (arn) => void invocations.push(arn),
      stepFunctions: async (arn) => void invocations.push(arn),
      lambda: async (arn) => void invocations.push(arn),
    };
    eb = createEventBridge({
      dataDir: tempDir("eb-fuzz-"),
      accountId: ACCOUNT,
      region: REGION,
      deliver,
      retryBaseDelayMs: 1,
    });
    for (const [action, body] of [
      ["CreateEventBus", { Name: "fuzz-bus" }],
      [
        "PutRule",
        { Name: "fuzz-rule", EventBusName: "fuzz-bus", EventPattern: '{"source":["orders.api"]}' },
      ],
      [
        "PutTargets",
        { Rule: "fuzz-rule", EventBusName: "fuzz-bus", Targets: [{ Id: "t1", Arn: QUEUE_ARN }] },
      ],
      [
        "CreateArchive",
        {
          ArchiveName: "fuzz-archive",
          EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/fuzz-bus`,
        },
      ],
    ] as const) {
      expect((await eb.handle(action, body)).status).toBe(200);
    }
  });
  afterAll(() => eb?.close());

  const malformed = fc.oneof(
    fc.record({ action: fc.constantFrom(...ebActions), body: notJson }),
    fc.record({
      action: fc.constantFrom(...ebActions),
      body: fc.oneof(fc.array(anyJson, { maxLength: 3 }), edgeNumber, fc.constant(null)),
    }),
    fc.record({
      action: edgeString.filter((a) => !(ebActions as readonly string[]).includes(a)),
      body: fc.constant({}),
    }),
  );
  const anything = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...ebActions)
        .chain((action) =>
          fc.record({ action: fc.constant(action), body: mutateObject(ebTemplates[action]!) }),
        ),
    },
    { weight: 1, arbitrary: fc.record({ action: fc.constantFrom(...ebActions), body: anyJson }) },
    { weight: 1, arbitrary: malformed.map((m) => ({ ...m, malformed: true })) },
  );

  it(
    "answers every request without a 5xx; a refusal is a stable 4xx that changes nothing and invokes no target",
    async () => {
      let baseline = await ebFingerprint(eb);
      const stats = { refused: 0, accepted: 0 };
      await fc.assert(
        fc.asyncProperty(anything, async (request) => {
          const before = invocations.length;
          const out = await eb.handle(request.action, request.body);
          expect(out.status).toBeLessThan(500);
          if ("malformed" in request) expectWellFormedRefusal(out);
          if (out.status >= 400) {
            stats.refused++;
            expectWellFormedRefusal(out);
            expect(await ebFingerprint(eb)).toBe(baseline);
            expect(invocations.length).toBe(before);
          } else {
            stats.accepted++;
            await eb.idle();
            baseline = await ebFingerprint(eb);
          }
        }),
        fuzzParameters(),
      );
      if (process.env.FUZZ_VERBOSE) console.log("eventbridge", stats);
      expect(stats.refused).toBeGreaterThan(stats.accepted);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});

// ─── Step Functions ──────────────────────────────────────────────────────────

const sfnActions = [
  "CreateStateMachine",
  "UpdateStateMachine",
  "DeleteStateMachine",
  "DescribeStateMachine",
  "ListStateMachines",
  "StartExecution",
  "StopExecution",
  "DescribeExecution",
  "ListExecutions",
  "GetExecutionHistory",
  "SendTaskSuccess",
  "SendTaskFailure",
  "SendTaskHeartbeat",
] as const;

const ROLE = `arn:aws:iam::${ACCOUNT}:role/fuzz`;
const MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:fuzz-machine`;
const passDefinition = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });

const sfnTemplates: Record<string, Record<string, unknown>> = {
  CreateStateMachine: { name: "fuzz-machine-2", definition: passDefinition, roleArn: ROLE },
  UpdateStateMachine: { stateMachineArn: MACHINE, definition: passDefinition },
  DeleteStateMachine: { stateMachineArn: MACHINE },
  DescribeStateMachine: { stateMachineArn: MACHINE },
  ListStateMachines: { maxResults: 10 },
  StartExecution: { stateMachineArn: MACHINE, name: "fuzz-exec-2", input: "{}" },
  StopExecution: {
    executionArn: `${MACHINE.replace("stateMachine", "execution")}:fuzz-exec`,
    cause: "c",
  },
  DescribeExecution: { executionArn: `${MACHINE.replace("stateMachine", "execution")}:fuzz-exec` },
  ListExecutions: { stateMachineArn: MACHINE, maxResults: 10 },
  GetExecutionHistory: {
    executionArn: `${MACHINE.replace("stateMachine", "execution")}:fuzz-exec`,
  },
  SendTaskSuccess: { taskToken: "token", output: "{}" },
  SendTaskFailure: { taskToken: "token", error: "E", cause: "c" },
  SendTaskHeartbeat: { taskToken: "token" },
};

async function sfnFingerprint(sfn: StepFunctions) {
  const read = async (action: string, body: object) => {
    const out = await sfn.handle(action, body);
    expect(out.status).toBe(200);
    return out.body as Record<string, unknown>;
  };
  const machines = (await read("ListStateMachines", {})).stateMachines as {
    stateMachineArn: string;
  }[];
  const state: unknown[] = [];
  for (const m of machines) {
    const described = await read("DescribeStateMachine", { stateMachineArn: m.stateMachineArn });
    const executions = (await read("ListExecutions", { stateMachineArn: m.stateMachineArn }))
      .executions as { executionArn: string }[];
    state.push(
      m.stateMachineArn,
      described.definition,
      executions.map((e) => e.executionArn).sort(),
    );
  }
  return JSON.stringify(state);
}

describe("Step Functions API: malformed and boundary requests", () => {
  let sfn: StepFunctions;
  const fake = fakeIntegrations();
  beforeAll(async () => {
    sfn = createStepFunctions({
      dataDir: tempDir("sfn-fuzz-"),
      accountId: ACCOUNT,
      region: REGION,
      integrations: fake.integrations,
    });
    expect(
      (
        await sfn.handle("CreateStateMachine", {
          name: "fuzz-machine",
          definition: passDefinition,
          roleArn: ROLE,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await sfn.handle("StartExecution", {
          stateMachineArn: MACHINE,
          name: "fuzz-exec",
          input: "{}",
        })
      ).status,
    ).toBe(200);
  });
  afterAll(() => sfn?.close());

  const malformed = fc.oneof(
    fc.record({
      action: fc.constantFrom(...sfnActions),
      body: fc.oneof(
        fc.array(anyJson, { maxLength: 3 }),
        edgeNumber,
        edgeString,
        fc.constant(null),
      ),
    }),
    fc.record({
      action: edgeString.filter((a) => !(sfnActions as readonly string[]).includes(a)),
      body: fc.constant({}),
    }),
  );
  const anything = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...sfnActions)
        .chain((action) =>
          fc.record({ action: fc.constant(action), body: mutateObject(sfnTemplates[action]!) }),
        ),
    },
    { weight: 1, arbitrary: fc.record({ action: fc.constantFrom(...sfnActions), body: anyJson }) },
    { weight: 1, arbitrary: malformed.map((m) => ({ ...m, malformed: true })) },
  );

  it(
    "answers every request without a 5xx; a refusal is a stable 4xx that creates, changes or starts nothing",
    async () => {
      let baseline = await sfnFingerprint(sfn);
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(anything, async (request) => {
          const calls = fake.calls.length + fake.lambdaCalls.length;
          const out = await sfn.handle(request.action, request.body);
          expect(out.status).toBeLessThan(500);
          if ("malformed" in request) expectWellFormedRefusal(out);
          if (out.status >= 400) {
            refused++;
            expectWellFormedRefusal(out);
            expect(await sfnFingerprint(sfn)).toBe(baseline);
            expect(fake.calls.length + fake.lambdaCalls.length).toBe(calls);
          } else {
            baseline = await sfnFingerprint(sfn);
          }
        }),
        fuzzParameters(),
      );
      expect(refused).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
