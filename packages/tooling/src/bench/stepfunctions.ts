// Throughput of the local Step Functions runtime through its HTTP API, reported next to
// aws-local-stepfunctions' own in-process rate measured in the same run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import {
  createStepFunctions,
  stepFunctionsService,
} from "@orders/local/services/stepfunctions/index";
import { serveAwsServices } from "@orders/local/test/aws-server";
import { StateMachine } from "aws-local-stepfunctions";

export interface StepFunctionsBench {
  executions: number;
  transitionsPerExecution: number;
  apiTransitionsPerSecond: number;
  apiMsPerTransition: number;
  libraryTransitionsPerSecond: number;
  libraryMsPerTransition: number;
  /** How much slower a durable, checkpointed transition is than the library's in-memory one. */
  overheadRatio: number;
}

// Ten transitions: a lambda:invoke Task, a Choice and eight Passes — saga-like data flow.
const STATES = 10;
const definition = {
  StartAt: "Reserve",
  States: {
    Reserve: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "reserve", "Payload.$": "$" },
      ResultSelector: { "ok.$": "$.Payload.ok" },
      ResultPath: "$.reserve",
      Next: "Check",
    },
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.reserve.ok", BooleanEquals: true, Next: "P0" }],
      Default: "P0",
    },
    ...Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `P${i}`,
        {
          Type: "Pass",
          Parameters: { "n.$": "States.MathAdd($.n, 1)", "reserve.$": "$.reserve" },
          ...(i < 7 ? { Next: `P${i + 1}` } : { End: true }),
        },
      ]),
    ),
  },
};

async function libraryRate(executions: number) {
  const machine = new StateMachine(definition as never);
  const run = () =>
    machine.run(
      { n: 0 },
      {
        overrides: {
          taskResourceLocalHandlers: { Reserve: async () => ({ Payload: { ok: true } }) },
        },
      },
    ).result;
  const started = performance.now();
  for (let i = 0; i < executions; i++) await run();
  const seconds = (performance.now() - started) / 1000;
  return (executions * STATES) / seconds;
}

export async function benchStepFunctions(
  executions = 200,
  concurrency = 16,
): Promise<StepFunctionsBench> {
  const dataDir = mkdtempSync(join(tmpdir(), "sfn-bench-"));
  const sfn = createStepFunctions({
    dataDir,
    accountId: "000000000000",
    region: "us-east-1",
    integrations: {
      invokeLambda: async () => ({ payload: { ok: true } }),
      aws: async () => ({}),
    },
  });
  // Through the dispatcher and middleware :4566 uses, as a client would reach it.
  const server = await serveAwsServices([
    stepFunctionsService(() => sfn, { region: "us-east-1", accountId: "000000000000" }),
  ]);
  const client = new SFNClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  try {
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({
        name: "bench",
        definition: JSON.stringify(definition),
        roleArn: "arn:aws:iam::000000000000:role/bench",
      }),
    );
    let next = 0;
    const started = performance.now();
    // Each worker starts an execution and polls it to completion, as a client would.
    const worker = async () => {
      while (next < executions) {
        next++;
        const { executionArn } = await client.send(
          new StartExecutionCommand({ stateMachineArn, input: '{"n":0}' }),
        );
        for (let i = 0; i < 10_000; i++) {
          const d = await client.send(new DescribeExecutionCommand({ executionArn }));
          if (d.status === "SUCCEEDED") break;
          if (d.status !== "RUNNING") throw new Error(`bench execution ${d.status}: ${d.error}`);
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const apiSeconds = (performance.now() - started) / 1000;
    const apiRate = (executions * STATES) / apiSeconds;
    const libRate = await libraryRate(executions * 5);
    return {
      executions,
      transitionsPerExecution: STATES,
      apiTransitionsPerSecond: Math.round(apiRate),
      apiMsPerTransition: Number((1000 / apiRate).toFixed(3)),
      libraryTransitionsPerSecond: Math.round(libRate),
      libraryMsPerTransition: Number((1000 / libRate).toFixed(4)),
      overheadRatio: Number((libRate / apiRate).toFixed(1)),
    };
  } finally {
    client.destroy();
    await server.close();
    await sfn.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStepFunctions(), null, 2));
}
