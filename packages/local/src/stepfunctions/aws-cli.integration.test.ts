// Wire-protocol conformance: the real AWS CLI (Debian's awscli, a botocore client that shares
// no code with our SDK-based tests) drives the local Step Functions over HTTP (AWS JSON 1.0):
// a Pass/Wait/Succeed machine created, listed, started, described until it succeeds, its
// history (paged by the CLI) and executions listed, and AWS's error shape for bad calls.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeIntegrations, type Harness, ROLE, startHarness } from "./test-harness";

const AWS_CLI = "/usr/bin/aws";
const REGION = "us-east-1";
const ACCOUNT = "000000000000";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Missing, every test fails with this (a skipped conformance test would pass unnoticed).
const CLI_MISSING = existsSync(AWS_CLI)
  ? undefined
  : `${AWS_CLI} is missing: these conformance tests run Debian's AWS CLI (apt package awscli). ` +
    "scripts/setup.sh installs it (CI runs that script); run it, or apt-get install awscli.";

let h: Harness;
let endpoint: string;
let cliHome: string;

beforeAll(async () => {
  // An empty home: no ~/.aws config or credentials of the machine leak into the CLI.
  cliHome = mkdtempSync(join(tmpdir(), "aws-cli-home-"));
  h = await startHarness(fakeIntegrations().integrations);
  endpoint = `http://127.0.0.1:${(h.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await h?.stop();
  if (h) rmSync(h.dataDir, { recursive: true, force: true });
  if (cliHome) rmSync(cliHome, { recursive: true, force: true });
});

/** Runs `aws <args>` against the local endpoint; never throws for a non-zero exit. */
function aws(...args: string[]): Promise<CliResult> {
  if (CLI_MISSING) return Promise.reject(new Error(CLI_MISSING));
  return new Promise((resolve, reject) => {
    execFile(
      AWS_CLI,
      ["--endpoint-url", endpoint, "--output", "json", ...args],
      {
        timeout: 20_000,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: cliHome,
          LANG: "C.UTF-8",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_DEFAULT_REGION: REGION,
          AWS_PAGER: "",
          AWS_CONFIG_FILE: join(cliHome, "config"),
          AWS_SHARED_CREDENTIALS_FILE: join(cliHome, "credentials"),
          AWS_MAX_ATTEMPTS: "1",
          AWS_EC2_METADATA_DISABLED: "true",
        },
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err); // not started, or killed
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** `aws <args>` that must succeed; its JSON output. */
async function awsJson<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const out = await aws(...args);
  if (out.code !== 0) {
    throw new Error(`aws ${args.slice(0, 2).join(" ")} exited ${out.code}: ${out.stderr}`);
  }
  return (out.stdout.trim() ? JSON.parse(out.stdout) : {}) as T;
}

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
describe("aws stepfunctions (AWS CLI against the local Step Functions)", () => {
  it(`runs the AWS CLI v2 at ${AWS_CLI}`, async () => {
    const out = await aws("--version");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^aws-cli\/2\./);
  });

  it("create-state-machine and list-state-machines", async () => {
    const created = await awsJson<{ stateMachineArn: string; creationDate: string }>(
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

    const listed = await awsJson<{ stateMachines: Array<Record<string, string>> }>(
      "stepfunctions",
      "list-state-machines",
    );
    expect(listed.stateMachines).toEqual([
      expect.objectContaining({ stateMachineArn: MACHINE_ARN, name: NAME, type: "STANDARD" }),
    ]);
  });

  it("start-execution, then describe-execution until SUCCEEDED", async () => {
    const started = await awsJson<{ executionArn: string; startDate: string }>(
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
      described = await awsJson<Execution>(
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
    const all = await awsJson<History>(
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
    const paged = await awsJson<History>(
      "stepfunctions",
      "get-execution-history",
      "--execution-arn",
      EXECUTION_ARN,
      "--page-size",
      "3",
    );
    expect(paged.events).toEqual(all.events);

    const reversed = await awsJson<History>(
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
    const all = await awsJson<Listed>(
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
    const running = await awsJson<Listed>(
      "stepfunctions",
      "list-executions",
      "--state-machine-arn",
      MACHINE_ARN,
      "--status-filter",
      "RUNNING",
    );
    expect(running.executions).toEqual([]);
  });

  it("describe-execution of an unknown execution exits non-zero with ExecutionDoesNotExist", async () => {
    const unknown = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${NAME}:no-such-run`;
    const out = await aws("stepfunctions", "describe-execution", "--execution-arn", unknown);
    expect(out.code).not.toBe(0);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(
      /An error occurred \(ExecutionDoesNotExist\) when calling the DescribeExecution operation.*: Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:cli-machine:no-such-run'/,
    );
  });

  it("create-state-machine with an unsupported feature exits non-zero with InvalidDefinition", async () => {
    const out = await aws(
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
