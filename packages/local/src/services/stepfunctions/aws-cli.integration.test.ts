// Wire-protocol conformance: the real AWS CLI (Debian's awscli, a botocore client that shares
// no code with our SDK-based tests) drives the local Step Functions over HTTP (AWS JSON 1.0):
// a Pass/Wait/Succeed machine created, listed, started, described until it succeeds, its
// history (paged by the CLI) and executions listed, and AWS's error shape for bad calls.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_CLI, type AwsCli, awsCli } from "../../../test/aws-cli";
import {
  fakeIntegrations,
  type Harness,
  ROLE,
  startHarness,
} from "../../../test/stepfunctions/test-harness";
import { choiceCases, definitionCases, intrinsicCases } from "./conformance-cases";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";

let h: Harness;
let endpoint: string;
let cli: AwsCli;

beforeAll(async () => {
  cli = awsCli(() => endpoint);
  h = await startHarness(fakeIntegrations().integrations);
  endpoint = h.server.url;
});

afterAll(async () => {
  await h?.stop();
  if (h) rmSync(h.dataDir, { recursive: true, force: true });
  cli?.close();
});

const NAME = "cli-machine";
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${NAME}`;
const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${NAME}:run-1`;
const DEFINITION = JSON.stringify({
  Comment: "Pass, Wait, Succeed",
  StartAt: "Greet",
  States: {
    Greet: { Type: "Pass", Result: "hello", ResultPath: "$.greeting", Next: "Pause" },
    Pause: { Type: "Wait", Seconds: 1, Next: "Done" },
    Done: { Type: "Succeed" },
  },
});

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: string;
  stopDate?: string;
  input?: string;
  output?: string;
}

// The tests build on each other, in order: machine → execution → history → listing.
// Each CLI call starts a Python process: seconds apiece on a loaded 2-core machine.
describe("aws stepfunctions (AWS CLI against the local Step Functions)", {
  timeout: 120_000,
}, () => {
  it(`runs the AWS CLI v2 at ${AWS_CLI}`, async () => {
    const out = await cli.run("--version");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^aws-cli\/2\./);
  });

  it("create-state-machine and list-state-machines", async () => {
    const created = await cli.json<{ stateMachineArn: string; creationDate: string }>(
      "stepfunctions",
      "create-state-machine",
      "--name",
      NAME,
      "--definition",
      DEFINITION,
      "--role-arn",
      ROLE,
    );
    expect(created.stateMachineArn).toBe(MACHINE_ARN);
    // The CLI parsed the JSON 1.0 epoch-seconds timestamp.
    expect(Date.parse(created.creationDate)).toBeGreaterThan(Date.now() - 60_000);

    const listed = await cli.json<{ stateMachines: Array<Record<string, string>> }>(
      "stepfunctions",
      "list-state-machines",
    );
    expect(listed.stateMachines).toEqual([
      expect.objectContaining({ stateMachineArn: MACHINE_ARN, name: NAME, type: "STANDARD" }),
    ]);
  });

  it("start-execution, then describe-execution until SUCCEEDED", async () => {
    const started = await cli.json<{ executionArn: string; startDate: string }>(
      "stepfunctions",
      "start-execution",
      "--state-machine-arn",
      MACHINE_ARN,
      "--name",
      "run-1",
      "--input",
      JSON.stringify({ who: "cli" }),
    );
    expect(started.executionArn).toBe(EXECUTION_ARN);

    let described: Execution | undefined;
    const deadline = Date.now() + 15_000;
    for (;;) {
      described = await cli.json<Execution>(
        "stepfunctions",
        "describe-execution",
        "--execution-arn",
        EXECUTION_ARN,
      );
      if (described.status !== "RUNNING" || Date.now() > deadline) break;
    }
    expect(described).toMatchObject({
      executionArn: EXECUTION_ARN,
      stateMachineArn: MACHINE_ARN,
      name: "run-1",
      status: "SUCCEEDED",
    });
    expect(JSON.parse(described.input as string)).toEqual({ who: "cli" });
    expect(JSON.parse(described.output as string)).toEqual({ who: "cli", greeting: "hello" });
    const ran = Date.parse(described.stopDate as string) - Date.parse(described.startDate);
    expect(ran).toBeGreaterThanOrEqual(950);
  });

  it("get-execution-history lists the events in order, also when the CLI pages it", async () => {
    const expected = [
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "WaitStateEntered",
      "WaitStateExited",
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ];
    type History = {
      events: Array<{ id: number; previousEventId: number; type: string; timestamp: string }>;
    };
    const all = await cli.json<History>(
      "stepfunctions",
      "get-execution-history",
      "--execution-arn",
      EXECUTION_ARN,
    );
    expect(all.events.map((e) => e.type)).toEqual(expected);
    expect(all.events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.events.map((e) => e.previousEventId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const e of all.events) expect(Number.isNaN(Date.parse(e.timestamp))).toBe(false);

    // --page-size 3: the CLI follows our nextToken over three requests and joins the pages.
    const paged = await cli.json<History>(
      "stepfunctions",
      "get-execution-history",
      "--execution-arn",
      EXECUTION_ARN,
      "--page-size",
      "3",
    );
    expect(paged.events).toEqual(all.events);

    const reversed = await cli.json<History>(
      "stepfunctions",
      "get-execution-history",
      "--execution-arn",
      EXECUTION_ARN,
      "--reverse-order",
      "--page-size",
      "5",
    );
    expect(reversed.events.map((e) => e.type)).toEqual([...expected].reverse());
  });

  it("list-executions, with and without a status filter", async () => {
    type Listed = { executions: Execution[] };
    const all = await cli.json<Listed>(
      "stepfunctions",
      "list-executions",
      "--state-machine-arn",
      MACHINE_ARN,
    );
    expect(all.executions).toEqual([
      expect.objectContaining({
        executionArn: EXECUTION_ARN,
        stateMachineArn: MACHINE_ARN,
        name: "run-1",
        status: "SUCCEEDED",
      }),
    ]);
    const running = await cli.json<Listed>(
      "stepfunctions",
      "list-executions",
      "--state-machine-arn",
      MACHINE_ARN,
      "--status-filter",
      "RUNNING",
    );
    expect(running.executions).toEqual([]);
  });

  it("describe-state-machine-for-execution answers the machine run-1 ran", async () => {
    const described = await cli.json<Record<string, unknown>>(
      "stepfunctions",
      "describe-state-machine-for-execution",
      "--execution-arn",
      EXECUTION_ARN,
    );
    expect(described).toMatchObject({ stateMachineArn: MACHINE_ARN, name: NAME, roleArn: ROLE });
    expect(JSON.parse(described.definition as string)).toEqual(JSON.parse(DEFINITION));
    // The CLI parsed the JSON 1.0 epoch-seconds timestamp.
    expect(Number.isNaN(Date.parse(described.updateDate as string))).toBe(false);

    const unknown = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${NAME}:no-such-run`;
    const out = await cli.run(
      "stepfunctions",
      "describe-state-machine-for-execution",
      "--execution-arn",
      unknown,
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(
      /\(ExecutionDoesNotExist\) when calling the DescribeStateMachineForExecution operation/,
    );
  });

  it("describe-execution of an unknown execution exits non-zero with ExecutionDoesNotExist", async () => {
    const unknown = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${NAME}:no-such-run`;
    const out = await cli.run("stepfunctions", "describe-execution", "--execution-arn", unknown);
    expect(out.code).not.toBe(0);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(
      /An error occurred \(ExecutionDoesNotExist\) when calling the DescribeExecution operation.*: Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:cli-machine:no-such-run'/,
    );
  });

  it("create-state-machine with an unsupported feature exits non-zero with InvalidDefinition", async () => {
    const out = await cli.run(
      "stepfunctions",
      "create-state-machine",
      "--name",
      "cli-sync",
      "--role-arn",
      ROLE,
      "--definition",
      JSON.stringify({
        StartAt: "Run",
        States: {
          Run: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true },
        },
      }),
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(
      /\(InvalidDefinition\) when calling the CreateStateMachine operation.*UNSUPPORTED_FEATURE: The \.sync integration pattern/,
    );
  });
});

// A representative subset of the documented-semantics tables (conformance-cases.ts), through
// botocore's wire format: create-state-machine, start-execution, describe-execution.
describe("aws stepfunctions: documented edge semantics", { timeout: 120_000 }, () => {
  let machines = 0;
  async function runViaCli(definition: object, input: unknown) {
    const created = await cli.json<{ stateMachineArn: string }>(
      "stepfunctions",
      "create-state-machine",
      "--name",
      `cli-conformance-${++machines}`,
      "--definition",
      JSON.stringify(definition),
      "--role-arn",
      ROLE,
    );
    const started = await cli.json<{ executionArn: string }>(
      "stepfunctions",
      "start-execution",
      "--state-machine-arn",
      created.stateMachineArn,
      "--input",
      JSON.stringify(input),
    );
    for (let polls = 0; polls < 50; polls++) {
      const described = await cli.json<Execution & { error?: string; cause?: string }>(
        "stepfunctions",
        "describe-execution",
        "--execution-arn",
        started.executionArn,
      );
      if (described.status !== "RUNNING") return described;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the execution did not finish");
  }
  const pick = <T extends { name: string }>(rows: T[], name: string) => {
    const row = rows.find((r) => r.name === name);
    if (!row) throw new Error(`no row named ${name}`);
    return row;
  };

  it.each([
    "States.StringSplit: every character of the splitter is a delimiter",
    "States.Format: an escaped backslash is one backslash",
  ])("intrinsic: %s", async (name) => {
    const c = pick(intrinsicCases, name);
    const out = await runViaCli(
      {
        StartAt: "P",
        States: {
          P: { Type: "Pass", Parameters: { "value.$": c.expr }, OutputPath: "$.value", End: true },
        },
      },
      c.input,
    );
    expect(out.status, c.doc).toBe("SUCCEEDED");
    expect(JSON.parse(out.output as string)).toEqual(c.expected);
  });

  it.each([
    "IsPresent: false on a missing field",
    "StringMatches: ? is a literal question mark, not one character",
  ])("choice: %s", async (name) => {
    const c = pick(choiceCases, name);
    const out = await runViaCli(
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
    expect(out.status, c.doc).toBe("SUCCEEDED");
    expect(JSON.parse(out.output as string)).toBe(c.expected ? "matched" : "default");
  });

  it("a Fail state without Error or Cause: describe-execution shows neither (state-fail.html)", async () => {
    const out = await runViaCli({ StartAt: "F", States: { F: { Type: "Fail" } } }, {});
    expect(out.status).toBe("FAILED");
    expect(out).not.toHaveProperty("error");
    expect(out).not.toHaveProperty("cause");
  });

  it("create-state-machine rejects States.ALL before another catcher with InvalidDefinition", async () => {
    const c = pick(definitionCases, "Catch: States.ALL before another catcher");
    const out = await cli.run(
      "stepfunctions",
      "create-state-machine",
      "--name",
      "cli-bad-states-all",
      "--definition",
      JSON.stringify(c.definition),
      "--role-arn",
      ROLE,
    );
    expect(out.code, c.doc).not.toBe(0);
    expect(out.stderr).toMatch(
      /\(InvalidDefinition\) when calling the CreateStateMachine operation/,
    );
  });
});
