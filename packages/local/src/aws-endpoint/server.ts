import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Chaos } from "../chaos";
import { ACCOUNT_ID, REGION } from "../config";
import type { LambdaRunner } from "../lambda/runner";
import {
  type Authorizer,
  type AwsResponse,
  type AwsService,
  createDispatcher,
  type Dispatcher,
  faults,
  iam,
  jsonReply,
  type Middleware,
  type RequestLogLine,
  requestLog,
  type Scope,
  startAwsServer,
} from "../protocol";
import { type CloudWatch, cloudWatchService } from "../services/cloudwatch";
import { type CloudWatchLogs, cloudWatchLogsService } from "../services/cloudwatch-logs";
import { eventBridgeService } from "../services/eventbridge";
import { type Pipes, pipesService } from "../services/pipes";
import { type Scheduler, schedulerService } from "../services/scheduler";
import { stepFunctionsService } from "../services/stepfunctions";
import { CallbackFaultsInput, createCallbackFaults } from "./callback-faults";
import { dynamodbService, snsService, sqsService } from "./engines";
import { lambdaService } from "./lambda";

// The one AWS-compatible endpoint of the local cloud (default 127.0.0.1:4566):
// `AWS_ENDPOINT_URL=http://localhost:4566` for SDK v3, `--endpoint-url` for the
// CLI. Every request goes through the protocol layer's dispatcher
// (src/protocol): its dispatch table holds
//   dynamodb    X-Amz-Target DynamoDB_20120810.* / DynamoDBStreams_20120810.* → DynamoDB Local
//   sqs         X-Amz-Target AmazonSQS.*, query signed `sqs` → fauxqs (+ DLQ redrive here)
//   sns         query signed `sns` (and unsigned query calls of no other service) → fauxqs
//   events      X-Amz-Target AWSEvents.* → our EventBridge
//   states      X-Amz-Target AWSStepFunctions.* → our Step Functions
//   logs        X-Amz-Target Logs_20140328.* → CloudWatch Logs over the log store
//   cloudwatch  X-Amz-Target GraniteServiceVersion20100801.*, query signed `monitoring`,
//               RPC v2 CBOR /service/GraniteServiceVersion20100801/operation/<Op> → CloudWatch
//   lambda      POST /2015-03-31/functions/<name>/invocations → the Lambda runner
//   scheduler   REST /schedules[/<name>], /schedule-groups[/<name>] → our EventBridge Scheduler
//   pipes       REST /v1/pipes[/<name>[/start|/stop]] → our EventBridge Pipes
// and its middleware wraps each of them: request log by correlation id, chaos
// faults (DynamoDB latency, saga callback faults), the IAM authoriser slot.
// The endpoint itself answers
//   GET /_local/health                        → every component's health
//   GET|POST /_local/faults/saga-callbacks    → fail SendTaskSuccess/Failure (callback-faults.ts)

export interface ApiHandler {
  handle(action: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

export interface ComponentHealth {
  ready: boolean;
  detail?: string;
}

export interface AwsEndpointOptions {
  /** 0: an ephemeral port. */
  port: number;
  dynamodb: { endpoint: string };
  sqsSns: { endpoint: string };
  eventBridge?: ApiHandler;
  stepFunctions?: ApiHandler & { executionOfTaskToken?(token: string): string | undefined };
  cloudWatchLogs?: CloudWatchLogs;
  cloudWatch?: CloudWatch;
  lambda?: LambdaRunner;
  scheduler?: Pick<Scheduler, "handle">;
  pipes?: Pick<Pipes, "handle">;
  health?: () => Promise<Record<string, ComponentHealth>>;
  /** Chaos mode (packages/local/src/chaos): latency on every DynamoDB call, failed saga callbacks. */
  chaos?: Pick<Chaos, "dynamodbDelayMs" | "sagaCallback">;
  /** The IAM slot: receives principal, action and resources of every request (default: allow). */
  authorize?: Authorizer;
  /** Where each request's log line goes (default: failed ones, 5xx, to stderr). */
  log?: (line: RequestLogLine) => void;
}

export interface AwsEndpoint {
  url: string;
  port: number;
  /** The dispatch table and its IAM declarations (the middleware's view). */
  dispatcher: Dispatcher;
  /** Resolves when no DLQ redrive task is running. */
  idle(): Promise<void>;
  /** Items written to DynamoDB through this endpoint so far, by table (benchmarks' write budgets). */
  dynamodbWrites(): Record<string, number>;
  close(): Promise<void>;
}

const defaultLog = (line: RequestLogLine) => {
  if (line.status >= 500)
    console.error(
      `[aws] ${line.correlationId} ${line.service}.${line.operation} → ${line.status} (${line.ms} ms, request ${line.requestId})`,
    );
};

/** The middleware every request of the local cloud goes through, outermost first. */
export function endpointMiddleware(
  options: Pick<AwsEndpointOptions, "chaos" | "authorize" | "log">,
  callbackFault: (operation: string) => "before-effect" | "after-effect" | undefined = () =>
    undefined,
): Middleware[] {
  const chaos = options.chaos;
  return [
    requestLog(options.log ?? defaultLog),
    iam(options.authorize),
    faults({
      delayMs: (r) => (chaos && r.service === "dynamodb" ? chaos.dynamodbDelayMs() : 0),
      // Saga callback faults: the call fails before its effect, or after it (answer lost).
      fault: (r) => (r.service === "states" ? callbackFault(r.operation) : undefined),
    }),
  ];
}

export async function createAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const scope: Scope = { region: REGION, accountId: ACCOUNT_ID };
  const callbackFaults = createCallbackFaults(options.chaos);
  const writes: Record<string, number> = {};
  let origin = "";
  const sqs = sqsService({ endpoint: options.sqsSns.endpoint, scope, origin: () => origin });
  const services: AwsService[] = [
    dynamodbService({ endpoint: options.dynamodb.endpoint, scope, writes }),
    sqs.service,
    snsService({ endpoint: options.sqsSns.endpoint, scope }),
    eventBridgeService(() => options.eventBridge, scope),
    stepFunctionsService(() => options.stepFunctions, scope),
    cloudWatchLogsService(() => options.cloudWatchLogs, scope),
    cloudWatchService(() => options.cloudWatch),
    lambdaService(() => options.lambda, scope),
    schedulerService(() => options.scheduler, scope),
    pipesService(() => options.pipes, scope),
  ];
  const dispatcher = createDispatcher({
    services,
    middleware: endpointMiddleware(options, (op) => callbackFaults.take(op)),
  });

  /** The endpoint's own routes, outside the AWS protocols. */
  async function local(req: IncomingMessage, body: Buffer): Promise<AwsResponse | undefined> {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, value: unknown) =>
      jsonReply({ requestId: randomUUID() }, status, value, "application/json");
    if (req.method === "GET" && path === "/_local/health") {
      const components = (await options.health?.()) ?? {};
      const ready = Object.values(components).every((c) => c.ready);
      return json(ready ? 200 : 503, { status: ready ? "ready" : "starting", components });
    }
    if (path !== "/_local/faults/saga-callbacks") return undefined;
    if (req.method === "GET") return json(200, callbackFaults.state());
    if (req.method !== "POST")
      return json(405, { code: "METHOD_NOT_ALLOWED", message: "GET or POST" });
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString("utf8")) : {};
    } catch {
      input = undefined;
    }
    const parsed = CallbackFaultsInput.safeParse(input);
    if (!parsed.success)
      return json(400, {
        code: "INVALID_FAULT",
        message: 'Expected {"failNext": <integer ≥ 0>, "when"?: "before-effect" | "after-effect"}',
        details: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      });
    return json(200, callbackFaults.set(parsed.data));
  }

  const server = await startAwsServer(dispatcher, options.port, { local });
  origin = server.url;
  return {
    url: server.url,
    port: server.port,
    dispatcher,
    idle: () => sqs.idle(),
    dynamodbWrites: () => ({ ...writes }),
    close: () => server.close(),
  };
}
