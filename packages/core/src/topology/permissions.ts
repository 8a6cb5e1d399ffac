// What each function may do on AWS, all of it: the grants its code needs
// (the topology's `permissions`) and those Lambda needs for its event sources.
// Infra deploys them as the function's role (infra/functions.ts); the local
// cloud enforces that role; the IAM report reads the reasons given for grants
// no run exercises.
import {
  type FunctionName,
  type FunctionSpec,
  functions,
  type Grant,
  type GrantTarget,
  queues,
  streamMappingInUse,
  streamMappings,
  type WorkQueueName,
} from "./resources";

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
  const mappings = Object.entries(streamMappings)
    .filter(([mapping, m]) => m.function === name && streamMappingInUse(mapping))
    .map(([, m]) => m);
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
  if (onFailure.length)
    grants.push({
      actions: ["sqs:SendMessage"],
      on: onFailure,
      unusedBecause:
        "Lambda sends a batch that exhausts its retries (a stream's 10 or 100, an async invocation's 2) to its on-failure queue with the function's role; the suite reaches that only for the compensator",
    });
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
