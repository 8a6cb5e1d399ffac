// The crash-recovery scenario shared by the in-process and the SIGKILL test: four
// executions paused at different points, with Lambda user code that blocks forever in
// the first process and completes in the second. Every invocation is appended to a log
// file so the test can count what ran, across processes.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { ServiceIntegrations } from "../../src/services/stepfunctions";

const LAMBDA = "arn:aws:states:::lambda:invoke";
const invoke = (fn: string, extra: object = {}) => ({
  Type: "Task",
  Resource: LAMBDA,
  Parameters: { FunctionName: fn, "Payload.$": "$" },
  ResultSelector: { "value.$": "$.Payload" },
  ...extra,
});

export const scenario = {
  secondTask: {
    StartAt: "First",
    States: {
      First: invoke("step1", { ResultPath: "$.first", Next: "Second" }),
      Second: invoke("step2", { ResultPath: "$.second", End: true }),
    },
  },
  insideMap: {
    StartAt: "Items",
    States: {
      Items: {
        Type: "Map",
        ItemsPath: "$.items",
        ItemProcessor: {
          StartAt: "Item",
          States: { Item: invoke("item", { OutputPath: "$.value", End: true }) },
        },
        End: true,
      },
    },
  },
  betweenRetries: {
    StartAt: "Flaky",
    States: {
      Flaky: invoke("retryer", {
        Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: 2, BackoffRate: 1, MaxAttempts: 5 }],
        End: true,
      }),
    },
  },
  onToken: {
    StartAt: "Approve",
    States: {
      Approve: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: "approvals", MessageBody: { "token.$": "$$.Task.Token" } },
        ResultPath: "$.approval",
        Next: "After",
      },
      After: invoke("step1", { ResultPath: "$.after", End: true }),
    },
  },
};

const never = () => new Promise<never>(() => {});

/** `firstLife` true: the process that will be killed (blocking calls never return). */
export function scenarioIntegrations(logFile: string, firstLife: boolean): ServiceIntegrations {
  const log = (line: string) => appendFileSync(logFile, `${line}\n`);
  return {
    async invokeLambda(functionArn, payload) {
      const name = functionArn.split(":").pop();
      const p = payload as { i?: number; tag?: string };
      if (name === "item") {
        log(`item:${p.i}`);
        if (p.i === 2 && firstLife) return never();
        return { payload: (p.i ?? 0) * 10 };
      }
      log(`${name}:${p.tag ?? ""}`);
      if (name === "step2" && firstLife) return never();
      if (name === "retryer" && firstLife) {
        return {
          functionError: "Unhandled",
          payload: { errorType: "Flaky", errorMessage: "first life" },
        };
      }
      return { payload: { ok: name } };
    },
    async aws(_service, _action, params) {
      const body = JSON.parse((params as { MessageBody: string }).MessageBody) as { token: string };
      log(`token:${body.token}`);
      return { MessageId: "m1", MD5OfMessageBody: "x" };
    },
  };
}

export function readLog(logFile: string): string[] {
  return existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter(Boolean) : [];
}
