import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { seedCatalog } from "@orders/core/inventory";
import {
  auth,
  type DerivedEventsVia,
  type FunctionName,
  type FunctionSpec,
  functions,
  notifications,
  type QueueName,
  queues,
  streamMappingInUse,
  streamMappings,
  type WorkQueueSpec,
} from "@orders/core/topology";
import { Hono } from "hono";
import { z } from "zod";
import { type ComponentHealth, createAwsEndpoint } from "../aws-endpoint/server";
import { type ChaosProvider, chaosFromEnv, withEventBridgeChaos } from "../chaos";
import { ACCOUNT_ID, fakeCredentials, REGION, repoRoot } from "../config";
import { startDynamoDb } from "../engines/dynamodb";
import { holdPort } from "../engines/ports";
import { startSqsSns } from "../engines/sqs-sns";
import { deployment, ensureGraph, type GraphResource, type TableName } from "../graph";
import { createIam, keyForFunction, keyForRole, keyForService } from "../iam";
import { createBundler } from "../lambda/bundle";
import {
  createLambdaRunner,
  type FunctionDefinition,
  type LambdaRunner,
  resolveHandler,
} from "../lambda/runner";
import { openCheckpoints } from "../mappings/checkpoints";
import { createStreamMapping, dynamoCaller } from "../mappings/dynamodb-stream";
import { createSqsMapping, type EventSourceMapping } from "../mappings/sqs";
import { createCloudWatch } from "../services/cloudwatch";
import { createCloudWatchLogs, openLogStore } from "../services/cloudwatch-logs";
import { compilePattern, createAwsDeliverer, createEventBridge } from "../services/eventbridge";
import { createAwsPipeIo, createPipes } from "../services/pipes";
import { createScheduler, createSchedulerDeliverer } from "../services/scheduler";
import { createAwsIntegrations, createStepFunctions } from "../services/stepfunctions";
import { ensureConsoleBuild } from "./console-build";
import { derivedEventsVia, provisionDerivedEvents } from "./derived-events";
import { functionLogGroup } from "./function-names";
import { type FunctionUrlFaults, serveFunctionUrl } from "./function-url";
import { arns, functionEnv, type LinkContext, physicalQueueUrl } from "./names";
import {
  provisionBus,
  provisionQueues,
  provisionStateMachine,
  provisionTables,
  provisionTopic,
} from "./provision";
import { startWebOrigin } from "./web";

// The whole local cloud in one call — what `pnpm dev` runs and what tests and
// the Playwright suite start on ephemeral ports with a temporary data folder.

export interface LocalCloudOptions {
  dataDir: string;
  /** 0: ephemeral. Defaults: 3000 and 4566. */
  webPort?: number;
  awsPort?: number;
  /** Print handler output prefixed by function name (pnpm dev). */
  echoLogs?: boolean;
  /** No invocation timeouts, so breakpoints can pause handlers. */
  inspect?: boolean;
  /** Recycle handler environments when packages/functions or packages/core change. Default true. */
  hotReload?: boolean;
  /** Run the topology's mappings (SQS and stream consumers). Default true. */
  mappings?: boolean;
  /**
   * How derived events reach the bus when the mappings run: the StreamPublisher's
   * mapping or the orders pipe (topology `derivedEvents`). Default:
   * ORDERS_DERIVED_EVENTS, else "function".
   */
  derivedEvents?: DerivedEventsVia;
  /**
   * How long a flagged order waits for an operator (the saga's AwaitApproval
   * TimeoutSeconds). Default: LOCAL_APPROVAL_TIMEOUT_SECONDS, else the topology's policy (24 h).
   */
  approvalTimeoutSeconds?: number;
  /**
   * The saga's deadline (its top-level TimeoutSeconds), past which the execution
   * ends TIMED_OUT and the SagaCompensator undoes the order. Default:
   * LOCAL_SAGA_TIMEOUT_SECONDS, else the topology's policy (26 h).
   */
  sagaTimeoutSeconds?: number;
  /**
   * Every work queue's visibility timeout, i.e. how soon a failed message is
   * received again (so how soon it reaches its DLQ). Default:
   * LOCAL_VISIBILITY_TIMEOUT_SECONDS, else the topology's (≥ 6× the consumer's timeout).
   */
  visibilityTimeoutSeconds?: number;
  /**
   * Load every function's code before reporting ready (one warm environment
   * each), so the first orders do not queue behind cold starts. Default: when
   * the mappings run.
   */
  prewarm?: boolean;
  /**
   * Build the console (packages/web) into <dataDir>/console when missing or
   * stale, and serve that (pnpm dev). Default false: serve packages/web/dist as built.
   */
  buildConsole?: boolean;
  /** Extra functions beside the topology's (tests' fixtures). */
  extraFunctions?: FunctionDefinition[];
  /**
   * IAM on the AWS endpoint: every call is checked against the synthesized
   * graph's policies for its caller (a function's role, the state machine's,
   * EventBridge for a rule…). `enforce: false` (default: unless LOCAL_IAM=off)
   * logs what would be denied and allows it; `graph` evaluates another graph's
   * policies (tests that take a grant away).
   */
  iam?: { enforce?: boolean; graph?: readonly GraphResource[] };
  log?: (line: string) => void;
}

export interface LocalCloud {
  urls: { web: string; aws: string; paymentProvider: string; notificationProvider: string };
  /**
   * Faults the local cloud applies in front of a provider's function URL, on
   * top of chaos mode's schedule: set them to take the provider down, slow it,
   * or lose its answers (tests). Keyed by the provider's function name.
   */
  faults: Record<ProviderFunction, FunctionUrlFaults>;
  dataDir: string;
  /** DynamoDB Local's JVM (benchmarks: the engine's own CPU). */
  dynamodbPid: number;
  runner: LambdaRunner;
  /** Items written to DynamoDB through the AWS endpoint so far, by table. */
  dynamodbWrites(): Record<string, number>;
  health(): Promise<{ ready: boolean; components: Record<string, ComponentHealth> }>;
  /** Starts an SQS → function mapping on a queue of yours (tests, experiments). */
  addSqsMapping(options: {
    /** A topology queue (`PaymentQueue`) or the physical name of a queue of yours. */
    queueName: string;
    functionName: string;
    batchSize?: number;
    batchingWindowSeconds?: number;
    maxConcurrency?: number;
    reportBatchItemFailures?: boolean;
    /** Long-poll wait per receive; default 20 s as on AWS. */
    waitTimeSeconds?: number;
  }): EventSourceMapping;
  /** Starts a stream → function mapping on a table of yours. */
  addStreamMapping(options: {
    name: string;
    /** A topology table (`OrdersTable`) or the physical name of a table of yours; so `onFailureQueue`. */
    tableName: string;
    functionName: string;
    batchSize?: number;
    maximumRetryAttempts?: number;
    bisectBatchOnFunctionError?: boolean;
    reportBatchItemFailures?: boolean;
    onFailureQueue: string;
    startingPosition?: "TRIM_HORIZON" | "LATEST";
    /** FilterCriteria patterns (Lambda event filtering). */
    filters?: readonly Record<string, unknown>[];
  }): EventSourceMapping;
  stop(): Promise<void>;
}

/** The sandbox providers behind local function URLs, and their chaos config keys. */
const PROVIDER_CHAOS = {
  PaymentSandbox: "paymentProvider",
  NotificationSandbox: "notificationProvider",
} as const satisfies Record<string, ChaosProvider>;
type ProviderFunction = keyof typeof PROVIDER_CHAOS;
const PROVIDER_FUNCTIONS = Object.keys(PROVIDER_CHAOS) as ProviderFunction[];

const FaultState = z.union([
  z.enum(["down", "up"]),
  z.strictObject({
    outage: z.boolean().optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    loseResponse: z.boolean().optional(),
  }),
]);
const FaultsUpdate = z.strictObject(
  Object.fromEntries(PROVIDER_FUNCTIONS.map((name) => [name, FaultState.optional()])) as Record<
    ProviderFunction,
    z.ZodOptional<typeof FaultState>
  >,
);

/** `pnpm --filter @orders/web dev`: Vite's dev server, on its strict port. */
const consoleDevServer = "http://localhost:5173";

/** The gateway engineer's module, when it exists: `createGateway({ invoke, ... })` → Hono-like app. */
async function loadGateway(context: {
  runner: LambdaRunner;
  webUrl: string;
  dataDir: string;
}): Promise<{ fetch: (r: Request, env?: unknown) => Response | Promise<Response> } | undefined> {
  const entry = resolve(import.meta.dirname, "../gateway/index.ts");
  if (!existsSync(entry)) return undefined;
  const mod = (await import(entry)) as Record<string, unknown>;
  const factory = (mod.createGateway ?? mod.createGatewayApp) as
    | ((o: unknown) => unknown)
    | undefined;
  if (typeof factory !== "function") return undefined;
  // The runner's result keeps functionError: a crashed handler is a 500, as on AWS.
  const fromLambdaRunner = mod.fromLambdaRunner as
    | ((runner: LambdaRunner) => (name: string, event: unknown) => Promise<unknown>)
    | undefined;
  const invoke = fromLambdaRunner
    ? fromLambdaRunner(context.runner)
    : async (name: string, event: unknown) => (await context.runner.invoke(name, event)).payload;
  const app = (await factory({
    invoke,
    webUrl: context.webUrl,
    dataDir: context.dataDir,
    // Vite's dev server (the console with hot reload, packages/web/vite.config.ts)
    // signs in through this provider too, from its own origin.
    redirectUris: [`${consoleDevServer}${auth.callbackPath}`, `${consoleDevServer}/`],
  })) as {
    fetch?: unknown;
    app?: { fetch: unknown };
  };
  const target = (typeof app.fetch === "function" ? app : app.app) as {
    fetch: (r: Request, env?: unknown) => Response | Promise<Response>;
  };
  return { fetch: (r, env) => target.fetch(r, env) };
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const log = options.log ?? (() => {});
  // Every resource takes the synthesized graph's physical name: build it first
  // if infra or the topology changed (hashing only when it is current).
  ensureGraph({ log });
  deployment();
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    while (stops.length) {
      try {
        await stops.pop()!();
      } catch (error) {
        log(`stop: ${(error as Error).message}`);
      }
    }
  };
  const ready: Record<string, ComponentHealth> = {
    dynamodb: { ready: false },
    "sqs-sns": { ready: false },
    "aws-endpoint": { ready: false },
    eventbridge: { ready: false },
    stepfunctions: { ready: false },
    pipes: { ready: false },
    lambda: { ready: false },
    provisioning: { ready: false },
    mappings: { ready: false },
    web: { ready: false },
    ...(options.buildConsole ? { console: { ready: false } } : {}),
  };

  // The handlers are bundled while the engines start: otherwise the first
  // environments would wait for the build behind the JVM's start.
  const bundler = createBundler(
    [
      ...Object.values(functions).map((spec) => spec.handler),
      ...(options.extraFunctions ?? []).map((def) => def.handler),
    ].map((handler) => resolveHandler(handler).file),
    join(dataDir, "lambda-bundles"),
  );
  bundler.prebuild();
  stops.push(() => bundler.close());
  // The console builds beside them (a second or two; nothing when up to date).
  const consoleBuild = options.buildConsole
    ? ensureConsoleBuild({ dir: join(dataDir, "console"), log })
    : undefined;
  if (consoleBuild) stops.push(() => consoleBuild.cancel());

  // Chaos mode: off unless LOCAL_CHAOS / LOCAL_CHAOS_FILE is set (packages/local/src/chaos).
  const chaos = chaosFromEnv();
  if (chaos) log(`chaos mode: ${JSON.stringify(chaos.config)}`);

  try {
    const [sqsSns, dynamodb] = await Promise.all([
      startSqsSns({ dataDir }),
      startDynamoDb({ dataDir }),
    ]);
    stops.push(() => sqsSns.stop());
    stops.push(() => dynamodb.stop());
    ready.dynamodb = { ready: true, detail: dynamodb.endpoint };
    ready["sqs-sns"] = { ready: true, detail: sqsSns.endpoint };

    // Late-bound services: the endpoint starts first so every client has its URL.
    const services: {
      eventBridge?: ReturnType<typeof createEventBridge>;
      stepFunctions?: ReturnType<typeof createStepFunctions>;
      scheduler?: ReturnType<typeof createScheduler>;
      pipes?: ReturnType<typeof createPipes>;
      runner?: LambdaRunner;
    } = {};
    const health = async () => {
      const components: Record<string, ComponentHealth> = { ...ready };
      const [ddbOk, sqsOk] = await Promise.all([
        dynamodb.healthy().catch(() => false),
        sqsSns.healthy().catch(() => false),
      ]);
      components.dynamodb = { ...ready.dynamodb!, ready: ready.dynamodb!.ready && ddbOk };
      components["sqs-sns"] = { ...ready["sqs-sns"]!, ready: ready["sqs-sns"]!.ready && sqsOk };
      return { ready: Object.values(components).every((c) => c.ready), components };
    };
    const enforceIam = options.iam?.enforce ?? process.env.LOCAL_IAM !== "off";
    const iam = createIam({
      resources: options.iam?.graph ?? deployment().resources,
      enforce: enforceIam,
      log: (line) => log(`iam: ${line}`),
    });
    if (!enforceIam)
      log(
        "IAM IS OFF (LOCAL_IAM=off): calls the deployed policies would deny are logged and allowed, " +
          "so a missing grant passes here and fails on AWS",
      );
    const endpoint = await createAwsEndpoint({
      port: options.awsPort ?? 4566,
      authorize: iam.authorizer,
      dynamodb,
      sqsSns,
      eventBridge: {
        handle: (a, b) =>
          services.eventBridge ? services.eventBridge.handle(a, b) : unavailable("EventBridge"),
      },
      stepFunctions: {
        handle: (a, b) =>
          services.stepFunctions
            ? services.stepFunctions.handle(a, b)
            : unavailable("Step Functions"),
        executionOfTaskToken: (token) => services.stepFunctions?.executionOfTaskToken(token),
      },
      get lambda() {
        return services.runner;
      },
      scheduler: {
        handle: (op, input) =>
          services.scheduler ? services.scheduler.handle(op, input) : unavailable("Scheduler"),
      },
      // Undefined until it starts: the endpoint answers 503 meanwhile.
      get pipes() {
        return services.pipes;
      },
      cloudWatchLogs: createCloudWatchLogs({
        store: () => services.runner?.logs,
        functionNames: () => services.runner?.functionNames() ?? [],
        logGroupOf: functionLogGroup,
        accountId: ACCOUNT_ID,
        region: REGION,
      }),
      cloudWatch: createCloudWatch({ queue: (name) => sqsSns.snapshot(name) }),
      health: async () => (await health()).components,
      ...(chaos ? { chaos } : {}),
    });
    stops.push(() => endpoint.close());
    ready["aws-endpoint"] = { ready: true, detail: endpoint.url };
    const awsUrl = endpoint.url;
    // A topology queue by its key, or a test's own queue by its physical name.
    const queueOf = (name: string) => {
      const queue = deployment().queues[name as keyof ReturnType<typeof deployment>["queues"]] ?? {
        name,
        arn: arns.queue(name),
      };
      return { ...queue, url: physicalQueueUrl(awsUrl, queue.name) };
    };

    // Ports the OS picks are held until their servers bind (holdPort).
    const webHold = options.webPort === 0 ? await holdPort() : undefined;
    stops.push(() => webHold?.release());
    const webPort = webHold?.port ?? options.webPort ?? 3000;
    const webUrlGuess = `http://localhost:${webPort}`;
    const paymentHold = await holdPort();
    const notificationHold = await holdPort();
    stops.push(() => paymentHold.release());
    stops.push(() => notificationHold.release());
    const paymentPort = paymentHold.port;
    const notificationPort = notificationHold.port;
    const ctx: LinkContext = {
      awsUrl,
      webUrl: webUrlGuess,
      paymentProviderUrl: `http://127.0.0.1:${paymentPort}`,
      notificationProviderUrl: `http://127.0.0.1:${notificationPort}`,
      auth: { issuer: `${webUrlGuess}/auth`, clientId: "orders-console", operatorGroup: "ops" },
    };

    // Consumers may run several mappings (Notifier drains two queues): room for all.
    const mappedConcurrency = new Map<string, number>();
    for (const spec of Object.values(queues)) {
      if (spec.kind !== "work") continue;
      const c = (spec as WorkQueueSpec).consumer;
      mappedConcurrency.set(
        c.function,
        (mappedConcurrency.get(c.function) ?? 0) + c.maxConcurrency,
      );
    }
    // Execution environments per function. One runs its handler's JavaScript
    // on one thread, so past the machine's cores more of them add no CPU, and
    // each compiles (JIT) the handler and the AWS SDK for itself: on two cores,
    // `pnpm bench`'s 300 orders end to end cost 225 ms of machine CPU each with
    // four per function, 183 ms with two (the report committed in 0515afb,
    // where the V8 compiler threads' and each function's shares are listed).
    // The price is less overlap for handlers that mostly wait: in that run,
    // chaos mode's slow DynamoDB made a 500-order soak settle in 656 s instead
    // of 518. Queue consumers get room for their mappings' MaximumConcurrency.
    const defaultEnvironments = Math.min(4, Math.max(2, availableParallelism()));
    const environments = (name: string) =>
      Math.max(defaultEnvironments, mappedConcurrency.get(name) ?? 0);
    // Lambda's on-failure destination: the record goes to the topology's queue,
    // sent with the function's role (as Lambda does).
    const onAsyncFailure = (name: FunctionName, queue: string | undefined) =>
      queue
        ? {
            onAsyncFailure: async (record: unknown) => {
              await sqsAs(keyForFunction(name)).send(
                new SendMessageCommand({
                  QueueUrl: queueOf(queue).url,
                  MessageBody: JSON.stringify(record),
                }),
              );
            },
          }
        : {};
    const logs = openLogStore(dataDir);
    stops.push(() => logs.close());
    const runner = createLambdaRunner({
      logs,
      // Accepted async invocations (EventBridge → Lambda targets) survive a kill.
      dataDir,
      logGroup: functionLogGroup,
      bundler,
      echo: options.echoLogs ?? false,
      inspect: options.inspect ?? false,
      watch:
        options.hotReload === false
          ? []
          : [join(repoRoot, "packages/functions/src"), join(repoRoot, "packages/core/src")],
      functions: [
        ...(Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][]).map(
          ([name, spec]) => ({
            name,
            physicalName: deployment().functions[name].name,
            handler: spec.handler,
            timeoutSeconds: spec.timeoutSeconds,
            memoryMb: spec.memoryMb,
            concurrency: environments(name),
            env: functionEnv(name, ctx),
            ...onAsyncFailure(name, (spec as FunctionSpec).onAsyncFailure),
          }),
        ),
        ...(options.extraFunctions ?? []),
      ],
    });
    services.runner = runner;
    stops.push(() => runner.close());
    const warming =
      (options.prewarm ?? options.mappings !== false)
        ? runner.warm(Object.keys(functions)).catch((error: Error) => {
            log(`prewarm: ${error.message}`);
          })
        : Promise.resolve();
    void warming.then(() => {
      ready.lambda = { ready: true, detail: `${runner.functionNames().length} functions` };
    });

    // The sandbox providers' faults live here, in front of their URLs: the
    // handlers have no switches (a deployed one could not have them either).
    // A test's switch and chaos mode's schedule add up, per request.
    const faults: LocalCloud["faults"] = { PaymentSandbox: {}, NotificationSandbox: {} };
    const providerFaults = (name: ProviderFunction) => (): FunctionUrlFaults => {
      const set = faults[name];
      const scheduled = chaos?.providerRequest(PROVIDER_CHAOS[name], Date.now());
      return {
        latencyMs: Math.max(set.latencyMs ?? 0, scheduled?.latencyMs ?? 0),
        outage: Boolean(set.outage || scheduled?.outage),
        loseResponse: Boolean(set.loseResponse || scheduled?.loseResponse),
      };
    };
    // The providers' URLs have IAM auth, as deployed: a caller needs
    // lambda:InvokeFunctionUrl and (since October 2025) lambda:InvokeFunction on
    // the function, the latter only through its URL.
    const urlAuthorizer = (name: ProviderFunction) => async (key: string | undefined) => {
      const arn = deployment().functions[name].arn;
      const context = {
        "lambda:FunctionUrlAuthType": "AWS_IAM",
        "lambda:InvokedViaFunctionUrl": "true",
      };
      if (!key) return !enforceIam;
      for (const action of ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"])
        if (!(await iam.check(key, action, arn, context)).allowed) return false;
      return true;
    };
    await paymentHold.release();
    const payment = await serveFunctionUrl(runner, "PaymentSandbox", paymentPort, {
      faults: providerFaults("PaymentSandbox"),
      authorize: urlAuthorizer("PaymentSandbox"),
    });
    stops.push(() => payment.close());
    await notificationHold.release();
    const notification = await serveFunctionUrl(runner, "NotificationSandbox", notificationPort, {
      faults: providerFaults("NotificationSandbox"),
      authorize: urlAuthorizer("NotificationSandbox"),
    });
    stops.push(() => notification.close());

    const client = { endpoint: awsUrl, region: REGION, credentials: fakeCredentials };
    const ddbClient = new DynamoDBClient(client);
    const sqs = new SQSClient(client);
    const sns = new SNSClient(client);
    const credentialsOf = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: "local" });
    // The SQS client of one principal (an access key the endpoint's IAM knows):
    // event source mappings poll, and on-failure destinations send, as their function.
    const sqsClients = new Map<string, SQSClient>();
    const sqsAs = (accessKeyId: string) => {
      const known = sqsClients.get(accessKeyId);
      if (known) return known;
      const created = new SQSClient({ ...client, credentials: credentialsOf(accessKeyId) });
      sqsClients.set(accessKeyId, created);
      return created;
    };
    stops.push(() => {
      ddbClient.destroy();
      sqs.destroy();
      sns.destroy();
      for (const c of sqsClients.values()) c.destroy();
    });

    // A rule delivers as EventBridge on its behalf (the target's resource policy
    // decides), or as the target's role when it has one (the saga's target).
    const deliverer = createAwsDeliverer({
      endpoint: awsUrl,
      region: REGION,
      credentials: (source) =>
        credentialsOf(
          source.roleArn
            ? keyForRole(source.roleArn)
            : keyForService("events.amazonaws.com", source.ruleArn),
        ),
    });
    stops.push(() => deliverer.destroy());
    services.eventBridge = createEventBridge({
      dataDir: join(dataDir, "eventbridge"),
      accountId: ACCOUNT_ID,
      region: REGION,
      deliver: withEventBridgeChaos(deliverer, chaos),
    });
    stops.push(() => services.eventBridge?.close());
    ready.eventbridge = { ready: true };

    // A schedule invokes its target as its Target.RoleArn (AWS assumes that role).
    const scheduleDeliverer = createSchedulerDeliverer({
      endpoint: awsUrl,
      region: REGION,
      credentials: (roleArn) => credentialsOf(keyForRole(roleArn)),
    });
    stops.push(() => scheduleDeliverer.destroy());
    services.scheduler = createScheduler({
      dataDir: join(dataDir, "scheduler"),
      accountId: ACCOUNT_ID,
      region: REGION,
      deliver: scheduleDeliverer,
    });
    stops.push(() => services.scheduler?.close());
    ready.scheduler = { ready: true };

    services.stepFunctions = createStepFunctions({
      dataDir: join(dataDir, "stepfunctions"),
      accountId: ACCOUNT_ID,
      region: REGION,
      // As on AWS: every execution status change goes to the default bus.
      emitStatusChange: async (event) => {
        const out = await services.eventBridge!.putEvents([
          { ...event, Time: new Date(event.Time), EventBusName: "default" },
        ]);
        if (out.FailedEntryCount > 0)
          throw new Error(`status-change event refused: ${out.Entries[0]?.ErrorMessage}`);
      },
      integrations: createAwsIntegrations({
        endpoint: awsUrl,
        region: REGION,
        // A Task state calls as the state machine's role.
        credentials: (caller) => credentialsOf(keyForRole(caller.roleArn)),
        invokeLambda: async (arn, payload, caller) => {
          // In process, not through :4566: the same check the Lambda API makes.
          const decision = await iam.check(
            keyForRole(caller.roleArn),
            "lambda:InvokeFunction",
            arn,
          );
          if (!decision.allowed)
            throw Object.assign(new Error(decision.message), { name: "AccessDeniedException" });
          const out = await runner.invoke(arn, payload);
          return {
            payload: out.payload,
            ...(out.functionError ? { functionError: out.functionError } : {}),
          };
        },
      }),
    });
    stops.push(() => services.stepFunctions?.close());
    ready.stepfunctions = { ready: true };

    // A pipe reads its source and calls its enrichment and target as its RoleArn,
    // so the graph's policies of that role decide, as on AWS.
    const pipeIo = createAwsPipeIo({
      endpoint: awsUrl,
      region: REGION,
      credentials: (roleArn) => credentialsOf(keyForRole(roleArn)),
    });
    stops.push(() => pipeIo.destroy());
    services.pipes = createPipes({
      dataDir: join(dataDir, "pipes"),
      accountId: ACCOUNT_ID,
      region: REGION,
      io: pipeIo,
      compilePattern,
      onError: (pipe, error) => log(`pipes: ${pipe}: ${(error as Error)?.message ?? error}`),
    });
    stops.push(() => services.pipes?.close());
    ready.pipes = { ready: true };

    const createdTables = await provisionTables(ddbClient);
    const visibilityTimeoutSeconds =
      options.visibilityTimeoutSeconds ??
      (process.env.LOCAL_VISIBILITY_TIMEOUT_SECONDS
        ? Number(process.env.LOCAL_VISIBILITY_TIMEOUT_SECONDS)
        : undefined);
    await provisionQueues(sqs, awsUrl, {
      ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
    });
    await provisionTopic(sns);
    // SNS → SQS: the subscribed queue's policy must let SNS send for the topic,
    // as on AWS. The engine fans out synchronously, so the subscriptions the
    // deployment has are decided once here; a refused one is dropped and said.
    const snsDeliveries = new Map<string, boolean>();
    const topicArn = deployment().topics.NotificationsTopic.arn;
    for (const queue of Object.keys(notifications.subscriptions) as QueueName[]) {
      const queueArn = deployment().queues[queue].arn;
      const decision = await iam.check(
        keyForService("sns.amazonaws.com", topicArn),
        "sqs:SendMessage",
        queueArn,
      );
      snsDeliveries.set(`${topicArn} ${queueArn}`, decision.allowed);
      if (!decision.allowed) log(`iam: SNS will not deliver to ${queueArn}: ${decision.message}`);
    }
    // Topics and queues a test makes itself are not the deployment's: delivered.
    sqsSns.server.setSnsDeliveryGate(
      (topic, queue) => snsDeliveries.get(`${topic} ${queue}`) ?? true,
    );
    const approvalTimeoutSeconds =
      options.approvalTimeoutSeconds ??
      (process.env.LOCAL_APPROVAL_TIMEOUT_SECONDS
        ? Number(process.env.LOCAL_APPROVAL_TIMEOUT_SECONDS)
        : undefined);
    if (
      approvalTimeoutSeconds !== undefined &&
      !(Number.isInteger(approvalTimeoutSeconds) && approvalTimeoutSeconds > 0)
    )
      throw new Error(
        `approvalTimeoutSeconds must be a positive integer: ${approvalTimeoutSeconds}`,
      );
    const sagaTimeoutSeconds =
      options.sagaTimeoutSeconds ??
      (process.env.LOCAL_SAGA_TIMEOUT_SECONDS
        ? Number(process.env.LOCAL_SAGA_TIMEOUT_SECONDS)
        : undefined);
    if (
      sagaTimeoutSeconds !== undefined &&
      !(Number.isInteger(sagaTimeoutSeconds) && sagaTimeoutSeconds > 0)
    )
      throw new Error(`sagaTimeoutSeconds must be a positive integer: ${sagaTimeoutSeconds}`);
    await provisionStateMachine(services.stepFunctions, awsUrl, {
      ...(approvalTimeoutSeconds !== undefined ? { approvalTimeoutSeconds } : {}),
      ...(sagaTimeoutSeconds !== undefined ? { sagaTimeoutSeconds } : {}),
    });
    await provisionBus(services.eventBridge);
    if (createdTables.includes("InventoryTable")) {
      const doc = DynamoDBDocumentClient.from(ddbClient);
      const seeded = await seedCatalog({
        doc,
        inventoryTable: deployment().tables.InventoryTable.name,
      });
      log(`seeded ${seeded.length} catalogue items`);
    }
    ready.provisioning = { ready: true };

    const checkpoints = openCheckpoints(dataDir);
    const mappings: EventSourceMapping[] = [];
    stops.push(() => checkpoints.close());
    stops.push(async () => {
      await Promise.all(mappings.map((m) => m.stop()));
    });
    const onError = (what: string) => (error: unknown) =>
      log(`${what}: ${(error as Error).message}`);

    const addSqsMapping: LocalCloud["addSqsMapping"] = (m) => {
      const mapping = createSqsMapping({
        // Lambda polls with the function's execution role.
        sqs: sqsAs(keyForFunction(m.functionName)),
        queueUrl: queueOf(m.queueName).url,
        queueArn: queueOf(m.queueName).arn,
        functionName: m.functionName,
        runner,
        batchSize: m.batchSize ?? 10,
        batchingWindowSeconds: m.batchingWindowSeconds ?? 0,
        maxConcurrency: m.maxConcurrency ?? 2,
        reportBatchItemFailures: m.reportBatchItemFailures ?? true,
        region: REGION,
        ...(m.waitTimeSeconds !== undefined ? { waitTimeSeconds: m.waitTimeSeconds } : {}),
        onError: onError(`mapping ${m.queueName}`),
        ...(chaos ? { chaos } : {}),
      });
      mappings.push(mapping);
      mapping.start();
      return mapping;
    };
    const addStreamMapping: LocalCloud["addStreamMapping"] = (m) => {
      const mapping = createStreamMapping({
        name: m.name,
        dynamodb: dynamoCaller(awsUrl, REGION, keyForFunction(m.functionName)),
        tableName:
          m.tableName in deployment().tables
            ? deployment().tables[m.tableName as TableName].name
            : m.tableName,
        functionName: m.functionName,
        runner,
        checkpoints,
        batchSize: m.batchSize ?? 100,
        startingPosition: m.startingPosition ?? "TRIM_HORIZON",
        maximumRetryAttempts: m.maximumRetryAttempts ?? 10,
        bisectBatchOnFunctionError: m.bisectBatchOnFunctionError ?? true,
        reportBatchItemFailures: m.reportBatchItemFailures ?? true,
        ...(m.filters ? { filters: m.filters } : {}),
        onFailure: async (record) => {
          await sqsAs(keyForFunction(m.functionName)).send(
            new SendMessageCommand({
              QueueUrl: queueOf(m.onFailureQueue).url,
              MessageBody: record,
            }),
          );
        },
        region: REGION,
        onError: onError(`stream mapping ${m.name}`),
        ...(chaos ? { chaos } : {}),
      });
      mappings.push(mapping);
      mapping.start();
      return mapping;
    };

    if (options.mappings !== false) {
      for (const [name, spec] of Object.entries(queues)) {
        if (spec.kind !== "work") continue;
        const c = (spec as WorkQueueSpec).consumer;
        addSqsMapping({
          queueName: name,
          functionName: c.function,
          batchSize: c.batchSize,
          batchingWindowSeconds: c.batchingWindowSeconds,
          maxConcurrency: c.maxConcurrency,
          reportBatchItemFailures: c.reportBatchItemFailures,
        });
      }
      const via = derivedEventsVia(options.derivedEvents);
      for (const [name, s] of Object.entries(streamMappings)) {
        if (!streamMappingInUse(name, via)) continue;
        addStreamMapping({
          name,
          tableName: s.table,
          functionName: s.function,
          batchSize: s.batchSize,
          maximumRetryAttempts: s.maximumRetryAttempts,
          bisectBatchOnFunctionError: s.bisectBatchOnFunctionError,
          reportBatchItemFailures: s.reportBatchItemFailures,
          onFailureQueue: s.onFailure,
          startingPosition: s.startingPosition,
          ...("filters" in s ? { filters: s.filters } : {}),
        });
      }
      const pipe = await provisionDerivedEvents({
        via,
        pipes: services.pipes,
        dynamodb: ddbClient,
        deployment: deployment(),
        deadLetterArn: queueOf("StreamFailures").arn,
      });
      if (pipe) log(`derived events through the pipe ${pipe}`);
    }
    ready.mappings = { ready: true, detail: `${mappings.length} mappings` };

    const gateway = await loadGateway({
      runner,
      webUrl: webUrlGuess,
      dataDir,
    }).catch((error: Error) => {
      log(`gateway not mounted: ${error.message}`);
      return undefined;
    });
    await warming;
    const consoleBuilt = await consoleBuild?.done;
    if (consoleBuilt?.ok) ready.console = { ready: true, detail: consoleBuilt.dir };
    if (consoleBuilt && !consoleBuilt.ok) log(`console build failed: ${consoleBuilt.error}`);
    await webHold?.release();
    const web = await startWebOrigin({
      port: webPort,
      health,
      local: localControls(faults),
      ...(gateway ? { gateway } : {}),
      ...(consoleBuilt ? { distDir: consoleBuilt.dir } : {}),
      ...(consoleBuilt && !consoleBuilt.ok ? { consoleError: consoleBuilt.error } : {}),
    });
    stops.push(() => web.close());
    ready.web = { ready: true, detail: web.url };

    return {
      urls: {
        web: web.url,
        aws: awsUrl,
        paymentProvider: payment.url,
        notificationProvider: notification.url,
      },
      faults,
      dataDir,
      dynamodbPid: dynamodb.pid,
      runner,
      dynamodbWrites: () => endpoint.dynamodbWrites(),
      health,
      addSqsMapping,
      addStreamMapping,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * `/_local/*` on the web origin (loopback, local cloud only): fault injection
 * for tests and the e2e suite, in front of the sandbox providers' function URLs
 * (`LocalCloud.faults`). `POST /_local/faults` takes, per provider function,
 * `"down"` / `"up"` or the faults themselves:
 * `{"PaymentSandbox": "down", "NotificationSandbox": {"latencyMs": 500}}`.
 * An object replaces that provider's faults; `"up"` clears them.
 * `GET /_local/faults` answers each provider's state and faults.
 */
function localControls(faults: LocalCloud["faults"]) {
  const app = new Hono();
  const state = () =>
    Object.fromEntries(
      PROVIDER_FUNCTIONS.map((name) => [
        name,
        { state: faults[name].outage ? "down" : "up", faults: faults[name] },
      ]),
    );
  app.get("/_local/faults", (c) => c.json(state()));
  app.post("/_local/faults", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ code: "INVALID_REQUEST", message: "Body must be JSON" }, 400);
    }
    const parsed = FaultsUpdate.safeParse(body);
    if (!parsed.success) {
      const unknown = parsed.error.issues.some((i) => i.code === "unrecognized_keys");
      return c.json(
        unknown
          ? {
              code: "UNKNOWN_FAULT",
              message: `Known providers: ${PROVIDER_FUNCTIONS.join(", ")}`,
            }
          : {
              code: "INVALID_FAULT_STATE",
              message:
                'Each provider takes "down", "up" or { outage?: boolean, latencyMs?: 0..60000, loseResponse?: boolean }',
            },
        400,
      );
    }
    for (const [name, update] of Object.entries(parsed.data) as [
      ProviderFunction,
      z.infer<typeof FaultState>,
    ][]) {
      faults[name] = update === "down" ? { outage: true } : update === "up" ? {} : { ...update };
    }
    return c.json(state());
  });
  app.all("*", (c) => c.json({ code: "NOT_FOUND", message: "No such local control" }, 404));
  return app;
}

function unavailable(service: string) {
  return Promise.resolve({
    status: 503,
    body: { __type: "ServiceUnavailableException", message: `${service} is starting` },
  });
}
