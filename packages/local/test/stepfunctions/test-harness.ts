// Test harness: the runtime behind its real HTTP listener, driven by @aws-sdk/client-sfn.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { AwsServer } from "../../src/protocol";
import type {
  ServiceIntegrations,
  StepFunctions,
  StepFunctionsOptions,
} from "../../src/services/stepfunctions";
import { createStepFunctions, stepFunctionsService } from "../../src/services/stepfunctions";
import { serveAwsServices } from "../aws-server";

export const ROLE = "arn:aws:iam::000000000000:role/saga";

/** In-memory Lambda user code and a recorder for the other services. */
export function fakeIntegrations(
  functions: Record<string, (payload: unknown) => unknown | Promise<unknown>> = {},
) {
  const calls: Array<{ service: string; action: string; params: Record<string, unknown> }> = [];
  const lambdaCalls: Array<{ name: string; payload: unknown }> = [];
  const integrations: ServiceIntegrations = {
    async invokeLambda(functionArn, payload) {
      const name = functionArn.split(":").pop() as string;
      lambdaCalls.push({ name, payload });
      const fn = functions[name];
      if (!fn)
        throw Object.assign(new Error(`Function not found: ${functionArn}`), {
          name: "ResourceNotFoundException",
        });
      try {
        return { payload: await fn(payload) };
      } catch (err) {
        const e = err as Error;
        return {
          functionError: "Unhandled",
          payload: { errorType: e.name, errorMessage: e.message, trace: [] },
        };
      }
    },
    async aws(service, action, params) {
      calls.push({ service, action, params: params as Record<string, unknown> });
      if (
        service === "dynamodb" &&
        (params as { ConditionExpression?: string }).ConditionExpression === "fail"
      ) {
        throw Object.assign(new Error("The conditional request failed"), {
          name: "ConditionalCheckFailedException",
        });
      }
      if (service === "sqs")
        return { MessageId: `m-${calls.length}`, MD5OfMessageBody: "x", $metadata: {} };
      return { $metadata: {} };
    },
  };
  return { integrations, calls, lambdaCalls };
}

export class UserError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface Harness {
  sfn: StepFunctions;
  client: SFNClient;
  server: AwsServer;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startHarness(
  integrations: ServiceIntegrations,
  dataDir?: string,
  options: Pick<StepFunctionsOptions, "emitStatusChange"> = {},
): Promise<Harness> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "sfn-test-"));
  const sfn = createStepFunctions({
    dataDir: dir,
    accountId: "000000000000",
    region: "us-east-1",
    integrations,
    ...options,
  });
  const server = await serveAwsServices([
    stepFunctionsService(() => sfn, { region: "us-east-1", accountId: "000000000000" }),
  ]);
  const client = clientFor(server.url);
  return {
    sfn,
    client,
    server,
    dataDir: dir,
    async stop() {
      client.destroy();
      await server.close();
      await sfn.close();
    },
  };
}

export const clientFor = (endpoint: string) =>
  new SFNClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });

let machineCounter = 0;

export async function createMachine(client: SFNClient, definition: object, name?: string) {
  const out = await client.send(
    new CreateStateMachineCommand({
      name: name ?? `sm-${process.pid}-${++machineCounter}`,
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  return out.stateMachineArn as string;
}

export async function start(
  client: SFNClient,
  stateMachineArn: string,
  input: unknown = {},
  name?: string,
) {
  const out = await client.send(
    new StartExecutionCommand({
      stateMachineArn,
      input: JSON.stringify(input),
      ...(name ? { name } : {}),
    }),
  );
  return out.executionArn as string;
}

/** Bounded polling: resolves when `check` returns a value, fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function finished(client: SFNClient, executionArn: string, timeoutMs?: number) {
  return waitFor<DescribeExecutionCommandOutput>(
    async () => {
      const d = await client.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === "RUNNING" ? undefined : d;
    },
    `${executionArn} to finish`,
    timeoutMs,
  );
}

export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Runs a definition to completion and returns the described execution. */
export async function runMachine(client: SFNClient, definition: object, input: unknown = {}) {
  const arn = await createMachine(client, definition);
  const executionArn = await start(client, arn, input);
  const out = await finished(client, executionArn);
  return { ...out, parsed: out.output ? JSON.parse(out.output) : undefined };
}
