// Pipes' test wiring: one dispatcher (with the endpoint's middleware) serving
// DynamoDB (a DynamoDB Local of the test's own, in memory: throwaway stream
// tables stay out of the cloud's engine), SQS (fauxqs), our EventBridge, a
// Lambda API over in-test functions, and the local Pipes, whose pipes call all
// of them through SDK v3 clients on that endpoint, as the cloud wires it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PipesClient } from "@aws-sdk/client-pipes";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { dynamodbService, sqsService } from "../../src/aws-endpoint/engines";
import { lambdaService } from "../../src/aws-endpoint/lambda";
import { ACCOUNT_ID, REGION } from "../../src/config";
import { type DynamoDbEngine, startDynamoDb } from "../../src/engines/dynamodb";
import { type SqsSnsEngine, startSqsSns } from "../../src/engines/sqs-sns";
import type { LambdaRunner } from "../../src/lambda/runner";
import { functionArn, type Scope } from "../../src/protocol";
import {
  compilePattern,
  createAwsDeliverer,
  createEventBridge,
  type EventBridge,
  eventBridgeService,
} from "../../src/services/eventbridge";
import {
  createAwsPipeIo,
  createPipes,
  type Pipes,
  type PipesOptions,
  pipesService,
} from "../../src/services/pipes";
import {
  createStepFunctions,
  type StepFunctions,
  stepFunctionsService,
} from "../../src/services/stepfunctions";
import { serveAwsServices } from "../aws-server";

export { ACCOUNT_ID };
export const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/orders-pipe-role`;
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const scope: Scope = { region: REGION, accountId: ACCOUNT_ID };

/** An in-test Lambda function: its return value is the payload, a throw a function error. */
export type TestFunction = (event: unknown) => unknown;

export interface PipesHarness {
  url: string;
  client: PipesClient;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  pipes: () => Pipes;
  /** Another Pipes on `dataDir` with the same connections (not served: a restarted process's store). */
  openPipes(dataDir: string): Pipes;
  eventBridge: EventBridge;
  /** Step Functions (state machines of Pass states: no integrations). */
  stepFunctions: StepFunctions;
  /** The Pipes' clock runs this far ahead of the wall clock (record ages). */
  clock: { aheadMs: number };
  /** Functions by name (ARN `arn:aws:lambda:us-east-1:000000000000:function:<name>`). */
  functions: Map<string, TestFunction>;
  /** Every event each function received. */
  calls: Map<string, unknown[]>;
  createQueue(
    name: string,
    attributes?: Record<string, string>,
  ): Promise<{ url: string; arn: string }>;
  /** A table with a NEW_AND_OLD_IMAGES stream; its stream ARN. */
  createStreamTable(name: string): Promise<string>;
  /** Receives (and deletes) what is on a queue now. */
  drain(url: string): Promise<Message[]>;
  /** Closes the Pipes (as a killed process would leave its store) and opens it again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPipesHarness(
  overrides: Partial<PipesOptions> = {},
): Promise<PipesHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), "pipes-test-"));
  const dynamo: DynamoDbEngine = await startDynamoDb({ dataDir, inMemory: true });
  const sqsSns: SqsSnsEngine = await startSqsSns({ dataDir });
  const functions = new Map<string, TestFunction>();
  const calls = new Map<string, unknown[]>();
  const nameOf = (nameOrArn: string) => nameOrArn.replace(/^.*:function:/, "").split(":")[0]!;
  const run = async (nameOrArn: string, event: unknown) => {
    const name = nameOf(nameOrArn);
    calls.set(name, [...(calls.get(name) ?? []), event]);
    try {
      return {
        requestId: "r",
        payload: (await functions.get(name)!(event)) ?? null,
        durationMs: 1,
      };
    } catch (error) {
      return {
        requestId: "r",
        functionError: "Unhandled" as const,
        payload: { errorType: (error as Error).name, errorMessage: (error as Error).message },
        durationMs: 1,
      };
    }
  };
  const runner = {
    has: (n: string) => functions.has(nameOf(n)),
    functionArn: (n: string) => functionArn(scope, n),
    invoke: run,
    invokeAsync: (n: string, event: unknown) => {
      void run(n, event);
      return "r";
    },
  } as unknown as LambdaRunner;

  let origin = "";
  const deliverer = { current: undefined as ReturnType<typeof createAwsDeliverer> | undefined };
  const eventBridge = createEventBridge({
    dataDir: join(dataDir, "eventbridge"),
    accountId: ACCOUNT_ID,
    region: REGION,
    deliver: {
      sqs: (...a) => deliverer.current!.sqs(...a),
      sns: (...a) => deliverer.current!.sns(...a),
      stepFunctions: (...a) => deliverer.current!.stepFunctions(...a),
      lambda: (...a) => deliverer.current!.lambda(...a),
    },
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 50,
  });
  const stepFunctions = createStepFunctions({
    dataDir: join(dataDir, "stepfunctions"),
    accountId: ACCOUNT_ID,
    region: REGION,
    integrations: {
      invokeLambda: () => Promise.reject(new Error("no integrations in the Pipes tests")),
      aws: () => Promise.reject(new Error("no integrations in the Pipes tests")),
    },
  });
  const state = { pipes: undefined as Pipes | undefined };
  const clock = { aheadMs: 0 };
  const server = await serveAwsServices([
    dynamodbService({ endpoint: dynamo.endpoint, scope, writes: {} }),
    sqsService({ endpoint: sqsSns.endpoint, scope, origin: () => origin }).service,
    eventBridgeService(() => eventBridge, scope),
    lambdaService(() => runner, scope),
    stepFunctionsService(() => stepFunctions, scope),
    pipesService(() => state.pipes, scope),
  ]);
  origin = server.url;
  const client = { endpoint: server.url, region: REGION, credentials };
  deliverer.current = createAwsDeliverer({ endpoint: server.url, region: REGION });
  const io = createAwsPipeIo({
    endpoint: server.url,
    region: REGION,
    credentials: () => credentials,
  });
  const open = (dir = join(dataDir, "pipes")) =>
    createPipes({
      dataDir: dir,
      accountId: ACCOUNT_ID,
      region: REGION,
      io,
      compilePattern,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      pollIntervalMs: 20,
      queueWaitSeconds: 1,
      onError: () => {},
      now: () => Date.now() + clock.aheadMs,
      ...overrides,
    });
  state.pipes = open();
  const sqs = new SQSClient(client);
  const dynamodb = new DynamoDBClient(client);
  const pipesClient = new PipesClient({ ...client, maxAttempts: 1 });

  return {
    url: server.url,
    client: pipesClient,
    sqs,
    dynamodb,
    pipes: () => state.pipes!,
    openPipes: (dir) => open(dir),
    eventBridge,
    stepFunctions,
    clock,
    functions,
    calls,
    async createQueue(name, attributes) {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
      );
      return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
    },
    async createStreamTable(name) {
      const out = await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
      );
      return out.TableDescription!.LatestStreamArn!;
    },
    async drain(url) {
      const out: Message[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) return out;
        out.push(...Messages);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    },
    async restart() {
      await state.pipes?.close();
      state.pipes = open();
    },
    async close() {
      await state.pipes?.close();
      await eventBridge.close();
      await stepFunctions.close();
      pipesClient.destroy();
      sqs.destroy();
      dynamodb.destroy();
      io.destroy();
      deliverer.current?.destroy();
      await server.close();
      await sqsSns.stop();
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not reached before the deadline");
    await new Promise((r) => setTimeout(r, 50));
  }
}
