import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../engines/ports";
import { type LogStore, openLogStore } from "../services/cloudwatch-logs";
import { type AsyncFailureRecord, createLambdaRunner, type LambdaRunner } from "./runner";

const fixture = (name: string) =>
  join(import.meta.dirname, "../../test/lambda/fixtures", `${name}.handler`);

let dir: string;
let logs: LogStore;
let runner: LambdaRunner;
let reloadDir: string;
const failureRecords: AsyncFailureRecord[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lambda-runner-"));
  reloadDir = join(dir, "src");
  mkdirSync(reloadDir);
  writeFileSync(join(reloadDir, "version.ts"), `export const handler = async () => "v1";\n`);
  writeFileSync(join(reloadDir, "broken.ts"), `export const handler = async () => {\n`);
  logs = openLogStore(dir);
  runner = createLambdaRunner({
    logs,
    watch: [reloadDir],
    asyncRetryDelayMs: () => 10,
    logGroup: (name) => `/aws/lambda/orders-local-${name}Function`,
    functions: [
      {
        name: "Echo",
        handler: fixture("echo"),
        timeoutSeconds: 5,
        memoryMb: 128,
        env: {
          SST_RESOURCE_App: JSON.stringify({ name: "orders", stage: "local" }),
          SST_RESOURCE_OrdersTable: JSON.stringify({ name: "OrdersTable" }),
        },
      },
      {
        name: "Deployed",
        physicalName: "orders-local-DeployedFunction-abcdefgh",
        handler: fixture("echo"),
        timeoutSeconds: 5,
        memoryMb: 128,
      },
      { name: "Fail", handler: fixture("fail"), timeoutSeconds: 1, memoryMb: 64 },
      {
        name: "FailToDestination",
        handler: fixture("fail"),
        timeoutSeconds: 1,
        memoryMb: 64,
        onAsyncFailure: async (record) => {
          failureRecords.push(record);
        },
      },
      { name: "Slow", handler: fixture("slow"), timeoutSeconds: 5, memoryMb: 128, concurrency: 2 },
      { name: "Burst", handler: fixture("slow"), timeoutSeconds: 5, memoryMb: 128, concurrency: 3 },
      {
        name: "Broken",
        handler: join(reloadDir, "broken.handler"),
        timeoutSeconds: 5,
        memoryMb: 128,
      },
      {
        name: "Version",
        handler: join(reloadDir, "version.handler"),
        timeoutSeconds: 5,
        memoryMb: 128,
      },
    ],
  });
  process.env.SECRET_OF_THE_RUNNER = "must not leak";
});

afterAll(async () => {
  delete process.env.SECRET_OF_THE_RUNNER;
  await runner.close();
  logs.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Lambda runner", () => {
  it("runs a TypeScript handler with a Lambda context and exactly its own env", async () => {
    const out = await runner.invoke("Echo", { hello: "world" });
    expect(out.functionError).toBeUndefined();
    const payload = out.payload as {
      event: unknown;
      requestId: string;
      functionName: string;
      logGroupName: string;
      remainingMs: number;
      env: Record<string, string | undefined>;
    };
    expect(payload.event).toEqual({ hello: "world" });
    expect(payload.requestId).toBe(out.requestId);
    expect(payload.functionName).toBe("Echo");
    // The log group the deployment names (SST's, here), in the context and the env alike.
    expect(payload.logGroupName).toBe("/aws/lambda/orders-local-EchoFunction");
    expect(payload.remainingMs).toBeGreaterThan(0);
    expect(payload.remainingMs).toBeLessThanOrEqual(5000);
    expect(payload.env).toEqual({
      AWS_LAMBDA_FUNCTION_NAME: "Echo",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/orders-local-EchoFunction",
      SST_RESOURCE_App: '{"name":"orders","stage":"local"}',
      SST_RESOURCE_OrdersTable: '{"name":"OrdersTable"}',
    });
  });

  it("is invocable by ARN and reuses a warm environment", async () => {
    const arn = runner.functionArn("Echo");
    expect(arn).toBe("arn:aws:lambda:us-east-1:000000000000:function:Echo");
    const first = (await runner.invoke(arn, {})).payload as { invocations: number };
    const second = (await runner.invoke(arn, {})).payload as { invocations: number };
    expect(second.invocations).toBe(first.invocations + 1);
    await expect(runner.invoke("Nope", {})).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("answers to the deployment's physical name, and tells the handler that name", async () => {
    const arn = runner.functionArn("Deployed");
    expect(arn).toBe(
      "arn:aws:lambda:us-east-1:000000000000:function:orders-local-DeployedFunction-abcdefgh",
    );
    for (const nameOrArn of ["Deployed", "orders-local-DeployedFunction-abcdefgh", arn]) {
      expect(runner.has(nameOrArn)).toBe(true);
      const { payload } = await runner.invoke(nameOrArn, {});
      expect(payload).toMatchObject({
        functionName: "orders-local-DeployedFunction-abcdefgh",
        env: { AWS_LAMBDA_FUNCTION_NAME: "orders-local-DeployedFunction-abcdefgh" },
      });
    }
  });

  it("reports a thrown error in AWS's shape", async () => {
    const out = await runner.invoke("Fail", { kind: "throw" });
    expect(out.functionError).toBe("Unhandled");
    expect(out.payload).toMatchObject({
      errorType: "OrderRejected",
      errorMessage: "order o-1 is not acceptable",
    });
    const trace = (out.payload as { trace: string[] }).trace;
    expect(trace[0]).toContain("OrderRejected");
    // The environment runs a bundle; its source map puts the frame back in the source.
    expect(trace[1]).toMatch(/fixtures\/fail\.ts:\d+:\d+\)$/);
  });

  it("reports code that does not build as an init error naming the place, and serves once fixed", async () => {
    const out = await runner.invoke("Broken", {});
    expect(out.functionError).toBe("Unhandled");
    expect(out.error?.errorType).toBe("Runtime.ImportModuleError");
    expect(out.error?.errorMessage).toBe(
      `${join(reloadDir, "broken.ts")}:2:0: Unexpected end of file`,
    );
    writeFileSync(join(reloadDir, "broken.ts"), `export const handler = async () => "fixed";\n`);
    await waitFor(
      "handler rebuilt",
      async () => (await runner.invoke("Broken", {})).payload === "fixed",
      { timeoutMs: 10_000 },
    );
  });

  it("kills an invocation at its timeout with Sandbox.Timedout, and the function still serves", async () => {
    const out = await runner.invoke("Fail", { kind: "hang" });
    expect(out.error).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: `${out.requestId} Task timed out after 1.00 seconds`,
      trace: [],
    });
    const after = await runner.invoke("Fail", { kind: "throw" });
    expect(after.error?.errorType).toBe("OrderRejected");
  });

  it("enforces the memory limit and survives a handler that exits", async () => {
    const oom = await runner.invoke("Fail", { kind: "oom" });
    expect(oom.error?.errorType).toBe("Runtime.OutOfMemory");
    const exit = await runner.invoke("Fail", { kind: "exit" });
    expect(exit.error).toMatchObject({ errorType: "Runtime.ExitError" });
    expect((await runner.invoke("Fail", {})).error?.errorType).toBe("OrderRejected");
  });

  it("never runs more environments of a function than its concurrency", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runner.invoke("Slow", { ms: 150 })),
    );
    const spans = results.map((r) => r.payload as { start: number; end: number });
    // Most invocations running at one instant: at some invocation's start.
    const maxOverlap = Math.max(
      ...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length),
    );
    expect(maxOverlap).toBeLessThanOrEqual(2);
    expect(maxOverlap).toBe(2);
    expect(runner.stats().Slow?.environments).toBeLessThanOrEqual(2);
  });

  it("scales out one cold start at a time: a burst does not start every environment at once", async () => {
    const burst = Array.from({ length: 6 }, () => runner.invoke("Burst", { ms: 100 }));
    // All six wait; one environment loads its code, the rest queue for the
    // first one that is free (that one, or the next started after it).
    expect(runner.stats().Burst).toMatchObject({ environments: 1, waiting: 6 });
    const results = await Promise.all(burst);
    expect(results.every((r) => r.functionError === undefined)).toBe(true);
    expect(runner.stats().Burst?.environments).toBeLessThanOrEqual(3);
    expect(runner.stats().Burst?.waiting).toBe(0);
  });

  it("stores each invocation's logs, queryable by correlation id and request id", async () => {
    const out = await runner.invoke("Echo", { correlationId: "corr-123", print: "plain line" });
    const byCorrelation = logs.logsByCorrelationId("corr-123");
    expect(byCorrelation.map((l) => l.functionName)).toContain("Echo");
    expect(
      byCorrelation.some((l) => l.message.includes('"message":"echo"') && l.level === "INFO"),
    ).toBe(true);
    const byRequest = logs.logsByRequestId(out.requestId);
    expect(byRequest.map((l) => l.message)).toContain("plain line");
    expect(byRequest.some((l) => l.stream === "platform" && l.message.startsWith("REPORT"))).toBe(
      true,
    );
  });

  it("retries a failed async invocation twice", async () => {
    const requestId = runner.invokeAsync("Fail", { kind: "throw" });
    await runner.idle();
    const reports = logs.logsByRequestId(requestId).filter((l) => l.message.startsWith("REPORT"));
    expect(reports).toHaveLength(3);
  });

  it("sends an async invocation that failed every retry to its on-failure destination", async () => {
    const requestId = runner.invokeAsync("FailToDestination", { kind: "throw" });
    await runner.idle();
    expect(failureRecords).toEqual([
      {
        version: "1.0",
        timestamp: expect.any(String),
        requestContext: {
          requestId,
          functionArn: expect.stringMatching(/:function:FailToDestination:\$LATEST$/),
          condition: "RetriesExhausted",
          approximateInvokeCount: 3,
        },
        requestPayload: { kind: "throw" },
        responseContext: {
          statusCode: 200,
          executedVersion: "$LATEST",
          functionError: "Unhandled",
        },
        responsePayload: expect.objectContaining({ errorType: expect.any(String) }),
      },
    ]);
  });

  it("reloads a handler when its source changes", async () => {
    expect((await runner.invoke("Version", {})).payload).toBe("v1");
    writeFileSync(join(reloadDir, "version.ts"), `export const handler = async () => "v2";\n`);
    await waitFor(
      "handler reloaded",
      async () => (await runner.invoke("Version", {})).payload === "v2",
      {
        timeoutMs: 10_000,
      },
    );
  });
});
