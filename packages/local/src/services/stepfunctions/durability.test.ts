// Crash recovery: executions paused in their second Task, inside a Map iteration, between
// retries and on a task token all finish after the process dies, without rerunning
// completed tasks, with history continuing.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SendTaskSuccessCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { startReadyChild } from "../../../test/ready-child";
import {
  readLog,
  scenario,
  scenarioIntegrations,
} from "../../../test/stepfunctions/durability-fixture";
import {
  clientFor,
  createMachine,
  finished,
  history,
  start,
  startHarness,
  waitFor,
} from "../../../test/stepfunctions/test-harness";

const count = (log: string[], line: string) => log.filter((l) => l === line).length;

async function startScenario(client: SFNClient) {
  const arns = {
    secondTask: await start(
      client,
      await createMachine(client, scenario.secondTask, "second-task"),
      { tag: "a" },
    ),
    insideMap: await start(client, await createMachine(client, scenario.insideMap, "inside-map"), {
      items: [{ i: 1 }, { i: 2 }, { i: 3 }],
    }),
    betweenRetries: await start(
      client,
      await createMachine(client, scenario.betweenRetries, "between-retries"),
      { tag: "r" },
    ),
    onToken: await start(client, await createMachine(client, scenario.onToken, "on-token"), {
      tag: "t",
    }),
  };
  const has = async (arn: string, type: string, n = 1) =>
    (await history(client, arn)).filter((e) => e.type === type).length >= n ? true : undefined;
  // Wait until each execution is exactly where the scenario wants it when the process dies.
  await waitFor(() => has(arns.secondTask, "TaskScheduled", 2), "second task scheduled");
  await waitFor(() => has(arns.insideMap, "MapIterationSucceeded", 2), "two map iterations done");
  await waitFor(() => has(arns.betweenRetries, "TaskFailed"), "first attempt failed");
  await waitFor(() => has(arns.onToken, "TaskSubmitted"), "token handed out");
  return arns;
}

async function finishScenario(
  client: SFNClient,
  arns: Awaited<ReturnType<typeof startScenario>>,
  logFile: string,
) {
  const tokenLine = readLog(logFile).find((l) => l.startsWith("token:")) as string;
  await client.send(
    new SendTaskSuccessCommand({ taskToken: tokenLine.slice(6), output: '{"approved":true}' }),
  );
  const outs = Object.fromEntries(
    await Promise.all(
      Object.entries(arns).map(async ([k, arn]) => [k, await finished(client, arn)] as const),
    ),
  );
  for (const out of Object.values(outs)) expect(out.status).toBe("SUCCEEDED");
  expect(JSON.parse(outs.insideMap?.output as string)).toEqual([10, 20, 30]);
  expect(JSON.parse(outs.secondTask?.output as string).second).toEqual({ value: { ok: "step2" } });

  const log = readLog(logFile);
  // Completed tasks ran once; the task in flight at the crash ran again (at-least-once).
  expect(count(log, "step1:a")).toBe(1);
  expect(count(log, "step2:a")).toBe(2);
  expect(count(log, "item:1")).toBe(1);
  expect(count(log, "item:3")).toBe(1);
  expect(count(log, "item:2")).toBe(2);
  expect(count(log, "retryer:r")).toBe(2);
  expect(count(log, "step1:t")).toBe(1);

  for (const arn of Object.values(arns)) {
    const events = await history(client, arn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe("ExecutionSucceeded");
  }
  const second = await history(client, arns.secondTask);
  expect(second.filter((e) => e.type === "TaskScheduled")).toHaveLength(2);
}

describe("durability", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });

  it("resumes every running execution after close-without-cleanup and restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sfn-durable-"));
    const logFile = join(dataDir, "calls.log");
    const first = await startHarness(scenarioIntegrations(logFile, true), dataDir);
    const arns = await startScenario(first.client);
    await first.stop();
    const second = await startHarness(scenarioIntegrations(logFile, false), dataDir);
    try {
      await finishScenario(second.client, arns, logFile);
    } finally {
      await second.stop();
    }
  });

  it("resumes every running execution after the process is killed with SIGKILL", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sfn-kill-"));
    const logFile = join(dataDir, "calls.log");
    const spawnChild = async (life: "first" | "second") => {
      const { child, port } = await startReadyChild(
        join(import.meta.dirname, "../../../test/stepfunctions/durability-child.ts"),
        [dataDir, logFile, life],
      );
      children.push(child);
      return { child, client: clientFor(`http://127.0.0.1:${port}`) };
    };
    const first = await spawnChild("first");
    const arns = await startScenario(first.client);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    first.client.destroy();
    const second = await spawnChild("second");
    try {
      await finishScenario(second.client, arns, logFile);
    } finally {
      second.client.destroy();
      second.child.kill("SIGKILL");
    }
  });
});
