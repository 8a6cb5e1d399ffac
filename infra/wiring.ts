// How the topology becomes infra, as plain data: which infra module creates
// each function and each link target, in which order the modules run, and
// what each function is linked to and reads from. No SST or Pulumi here, so
// the topology tests can import it; the infra modules build from it, so what
// the tests check is what gets deployed.
import {
  api,
  type FunctionName,
  type FunctionSpec,
  functions,
  type Grant,
  type GrantTarget,
  type LinkName,
  queues,
  sagaFunctions,
  streamMappings,
  tables,
  type WorkQueueName,
} from "../packages/core/src/topology";

/** The infra modules, in the order `sst.config.ts` imports them. */
export const concernOrder = [
  "storage",
  "queues",
  "bus",
  "notifications",
  "config",
  "router",
  "auth",
  "payment-sandbox",
  "notification-sandbox",
  "consumers",
  "saga",
  "streams",
  "rules",
  "api",
  "web",
  "alarms",
] as const;
export type Concern = (typeof concernOrder)[number];

/** Which module creates the component behind each link name. */
export const linkProvider = {
  ...(Object.fromEntries(Object.keys(tables).map((t) => [t, "storage"])) as Record<
    keyof typeof tables,
    "storage"
  >),
  ...(Object.fromEntries(Object.keys(queues).map((q) => [q, "queues"])) as Record<
    keyof typeof queues,
    "queues"
  >),
  Bus: "bus",
  NotificationsTopic: "notifications",
  FulfillmentSaga: "saga",
  SagaCallbacks: "saga",
  PaymentProvider: "payment-sandbox",
  NotificationProvider: "notification-sandbox",
  OrderPolicy: "config",
  Auth: "auth",
} as const satisfies Record<LinkName, Concern>;

/**
 * Which module creates each function, read from where the topology uses it:
 * an API route, a saga state, a queue consumer, a stream mapping. The sandbox
 * providers are the functions nothing invokes through the topology (callers
 * reach them over their URLs), so each has a module of its own. Each module
 * creates its functions by name (infra/function-names.test.ts checks where).
 */
export function functionConcern(name: FunctionName): Concern {
  const owners = new Set<Concern>();
  if (Object.values(api.routes).some((r) => r.function === name)) owners.add("api");
  if (sagaFunctions().includes(name)) owners.add("saga");
  if (Object.values(queues).some((q) => q.kind === "work" && q.consumer.function === name))
    owners.add("consumers");
  if (Object.values(streamMappings).some((m) => m.function === name)) owners.add("streams");
  if (name === "PaymentSandbox") owners.add("payment-sandbox");
  if (name === "NotificationSandbox") owners.add("notification-sandbox");
  // The saga's compensator (its status-change rule's target) lives with the saga.
  if (name === "SagaCompensator") owners.add("saga");
  if (owners.size !== 1)
    throw new Error(
      `function ${name} must be created by exactly one infra module, got [${[...owners]}]`,
    );
  return [...owners][0]!;
}

/** The link names infra passes to a function's `link`: the `Resource.*` values it reads, no permission. */
export function functionLinks(name: FunctionName): readonly LinkName[] {
  return functions[name].links;
}

/**
 * What Lambda reads or writes on a function's behalf, outside its code: the
 * queues it drains, the table streams it reads, and where it sends what
 * failed (a stream batch's position, an asynchronous invocation's event).
 */
export function eventSources(name: FunctionName) {
  const consumes = (Object.keys(queues) as (keyof typeof queues)[]).filter(
    (q): q is WorkQueueName => {
      const queue = queues[q];
      return queue.kind === "work" && queue.consumer.function === name;
    },
  );
  const mappings = Object.values(streamMappings).filter((m) => m.function === name);
  const spec: FunctionSpec = functions[name];
  return {
    consumes,
    streams: mappings.map((m) => m.table),
    onFailure: [
      ...new Set([
        ...mappings.map((m) => m.onFailure),
        ...(spec.onAsyncFailure ? [spec.onAsyncFailure] : []),
      ]),
    ],
  };
}

/**
 * The grants Lambda needs for a function's event sources, as its execution
 * role, what AWS's AWSLambdaSQSQueueExecutionRole and
 * AWSLambdaDynamoDBExecutionRole hold, scoped: an SQS mapping receives,
 * deletes and reads the queue's attributes (it never changes a message's
 * visibility: a failed one reappears after the timeout); a DynamoDB stream
 * mapping describes and reads the stream (ListStreams has no resource-level
 * permission); an on-failure destination is sent to
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html).
 */
export function eventSourceGrants(name: FunctionName): Grant[] {
  const { consumes, streams, onFailure } = eventSources(name);
  const grants: Grant[] = [];
  if (consumes.length)
    grants.push(
      { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], on: consumes },
      {
        actions: ["sqs:GetQueueAttributes"],
        on: consumes,
        unusedBecause:
          "Lambda reads the queue's attributes to set up and scale the mapping; the local cloud's poller only receives and deletes",
      },
    );
  if (streams.length)
    grants.push(
      {
        actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        on: streams.map((table) => `${table}/stream` as const),
      },
      {
        actions: ["dynamodb:ListStreams"],
        on: ["*"],
        unusedBecause:
          "Lambda lists the table's streams for the mapping; the local cloud's poller is handed the stream's ARN",
      },
    );
  if (onFailure.length) grants.push({ actions: ["sqs:SendMessage"], on: onFailure });
  return grants;
}

/** Every grant a function's role carries besides X-Ray's: its code's (the topology's), then its event sources'. */
export function functionGrants(name: FunctionName): readonly Grant[] {
  return [...functions[name].permissions, ...eventSourceGrants(name)];
}

/**
 * Grants as IAM statements, each target replaced by its ARN(s) in this
 * runtime (`arnOf`): SST's `permissions` in infra, the graph in its tests.
 */
export function renderGrants<Arn>(grants: readonly Grant[], arnOf: (target: GrantTarget) => Arn) {
  return grants.map((grant) => ({
    actions: [...grant.actions],
    resources: grant.on.map(arnOf),
  }));
}
