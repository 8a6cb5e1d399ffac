import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type DerivedEventsVia, derivedEvents, renderPipe } from "@orders/core/topology";
import type { Deployment } from "../graph";
import type { AwsError } from "../protocol/errors";
import type { Pipes } from "../services/pipes";

// How the local cloud publishes the outbox's derived events (topology
// `derivedEvents`): the StreamPublisher's mapping (the cloud's stream mappings
// skip it when not in use), or the pipe OrdersPipe, created here through the
// Pipes service as the deployment would have it: the graph's pipe name when the
// graph was synthesized with the pipe, its role, enrichment, bus and failure queue.

export const PIPE_ROLE = "OrdersPipeRole";
const PIPE = "OrdersPipe";

/** The setting a cloud runs with: its option, else ORDERS_DERIVED_EVENTS (read by the topology). */
export const derivedEventsVia = (option?: DerivedEventsVia): DerivedEventsVia =>
  option ?? derivedEvents.via;

/** The orders pipe's name in the deployment, and its role (looked up only for the pipe path). */
export function ordersPipeOf(deployment: Deployment) {
  const pipe = deployment.resources.find(
    (r) => r.type === "aws:pipes/pipe:Pipe" && r.name === PIPE,
  );
  return {
    name: String(pipe?.inputs.name ?? PIPE),
    roleArn() {
      const role = deployment.resources.find(
        (r) => r.type === "aws:iam/role:Role" && r.name === PIPE_ROLE,
      );
      if (!role)
        throw new Error(
          `graph: no ${PIPE_ROLE}; the synthesized graph and the topology disagree (run \`pnpm synth\`)`,
        );
      return String(role.outputs.arn);
    },
  };
}

/**
 * Runs the orders pipe when derived events go through it, and removes one an
 * earlier start with the pipe left in the data folder when they do not (two
 * publishers would send every event twice). A pipe already there is kept: its
 * checkpoint says where it was.
 */
export async function provisionDerivedEvents(options: {
  via: DerivedEventsVia;
  pipes: Pipes;
  dynamodb: DynamoDBClient;
  deployment: Deployment;
  deadLetterArn: string;
}) {
  const { pipes, deployment } = options;
  const pipe = ordersPipeOf(deployment);
  const call = (operation: string, body: Record<string, unknown> = {}) =>
    pipes.handle(operation, { name: pipe.name, query: new URLSearchParams(), body });
  const exists = await call("DescribePipe").then(
    () => true,
    (error: AwsError) => {
      if (error.code === "NotFoundException") return false;
      throw error;
    },
  );
  if (options.via === "function") {
    if (exists) await call("DeletePipe");
    return undefined;
  }
  if (exists) return pipe.name;
  // DynamoDB Local's stream ARN (its label, its `ddblocal` region): IAM reads it as the graph's.
  const table = await options.dynamodb.send(
    new DescribeTableCommand({ TableName: deployment.tables.OrdersTable.name }),
  );
  const stream = table.Table?.LatestStreamArn;
  if (!stream) throw new Error(`table ${deployment.tables.OrdersTable.name} has no stream`);
  const { Name, ...request } = renderPipe(PIPE, {
    stream,
    enrichment: deployment.functions.PipeEnrichment.arn,
    target: deployment.bus.arn,
    deadLetter: options.deadLetterArn,
    role: pipe.roleArn(),
  });
  await call("CreatePipe", request as unknown as Record<string, unknown>);
  return pipe.name;
}
