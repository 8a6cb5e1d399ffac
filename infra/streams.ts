import {
  derivedEvents,
  pipeRoleStatements,
  renderPipe,
  streamMappingInUse,
  streamMappings,
} from "../packages/core/src/topology";
import { bus } from "./bus";
import { defineFunction, functionNamed, type LinkTargets } from "./functions";
import { queues } from "./queues";
import { sagaCallbacks } from "./saga";
import { tables } from "./storage";

// The transactional outbox (seed §8.2): committed writes to the orders table
// reach the bus through its stream. A batch that keeps failing is bisected to
// the poison record, retried a bounded number of times, and its position sent
// to the StreamFailures queue instead of blocking the shard. A second mapping
// on the same stream (two readers per shard, DynamoDB Streams' limit) delivers
// operators' decisions to the saga: ApprovalCallbacks, filtered to them.

type StreamMappingName = keyof typeof streamMappings;
type StreamMapping = (typeof streamMappings)[StreamMappingName];

const targets: LinkTargets = { ...tables, ...queues, Bus: bus, SagaCallbacks: sagaCallbacks };

/** Maps the topology's stream mapping to its function, with the topology's settings. */
function mapStream(name: StreamMappingName, fn: sst.aws.Function) {
  const mapping: StreamMapping = streamMappings[name];
  if (functionNamed(mapping.function) !== fn)
    throw new Error(`stream mapping ${name} invokes ${mapping.function} in the topology`);
  return tables[mapping.table].subscribe(name, fn.arn, {
    transform: {
      eventSourceMapping: (args) => {
        args.batchSize = mapping.batchSize;
        args.maximumBatchingWindowInSeconds = mapping.batchingWindowSeconds;
        args.startingPosition = mapping.startingPosition;
        args.maximumRetryAttempts = mapping.maximumRetryAttempts;
        args.bisectBatchOnFunctionError = mapping.bisectBatchOnFunctionError;
        args.functionResponseTypes = mapping.reportBatchItemFailures
          ? ["ReportBatchItemFailures"]
          : [];
        args.destinationConfig = {
          onFailure: { destinationArn: queues[mapping.onFailure].arn },
        };
        const filters: readonly Record<string, unknown>[] | undefined =
          "filters" in mapping ? mapping.filters : undefined;
        if (filters)
          args.filterCriteria = {
            filters: filters.map((pattern) => ({ pattern: JSON.stringify(pattern) })),
          };
      },
    },
  });
}

export const streamPublisher = defineFunction("StreamPublisher", targets);
/** The publisher's mapping, when derived events go through the function (topology `derivedEvents`). */
export const ordersStreamMapping = streamMappingInUse("OrdersStream")
  ? mapStream("OrdersStream", streamPublisher)
  : undefined;

// The same outbox as an EventBridge Pipe (topology `pipes.OrdersPipe`): the
// enrichment and the pipe's role always exist (idle, they cost nothing, and
// the local cloud can run the pipe whichever way the graph was synthesized);
// the pipe itself only when derivedEvents.via is "pipe", in place of the
// mapping above (a stream serves two readers: ApprovalDecisions is the other).
export const pipeEnrichment = defineFunction("PipeEnrichment", targets);
const pipeArns = {
  stream: tables.OrdersTable.nodes.table.streamArn,
  enrichment: pipeEnrichment.arn,
  target: bus.arn,
  deadLetter: queues.StreamFailures.arn,
};
export const ordersPipeRole = new aws.iam.Role("OrdersPipeRole", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "pipes.amazonaws.com" }),
  inlinePolicies: [
    {
      name: "orders-pipe",
      policy: $resolve(pipeArns).apply((arns) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: pipeRoleStatements(arns),
        }),
      ),
    },
  ],
});

const pipeRequest = renderPipe("OrdersPipe", { ...pipeArns, role: ordersPipeRole.arn });
const pipeStream = pipeRequest.SourceParameters.DynamoDBStreamParameters;
const pipeBus = pipeRequest.TargetParameters.EventBridgeEventBusParameters;
export const ordersPipe =
  derivedEvents.via === "pipe"
    ? new aws.pipes.Pipe("OrdersPipe", {
        name: `${$app.name}-${$app.stage}-OrdersPipe`.slice(0, 64),
        description: pipeRequest.Description,
        desiredState: pipeRequest.DesiredState,
        roleArn: pipeRequest.RoleArn,
        source: pipeRequest.Source,
        sourceParameters: {
          dynamodbStreamParameters: {
            startingPosition: pipeStream.StartingPosition,
            batchSize: pipeStream.BatchSize,
            maximumBatchingWindowInSeconds: pipeStream.MaximumBatchingWindowInSeconds,
            maximumRetryAttempts: pipeStream.MaximumRetryAttempts,
            onPartialBatchItemFailure: pipeStream.OnPartialBatchItemFailure,
            deadLetterConfig: { arn: pipeStream.DeadLetterConfig.Arn },
          },
          filterCriteria: {
            filters: pipeRequest.SourceParameters.FilterCriteria.Filters.map((f) => ({
              pattern: f.Pattern,
            })),
          },
        },
        enrichment: pipeRequest.Enrichment,
        target: pipeRequest.Target,
        targetParameters: {
          inputTemplate: pipeRequest.TargetParameters.InputTemplate,
          eventbridgeEventBusParameters: {
            detailType: pipeBus.DetailType,
            source: pipeBus.Source,
            time: pipeBus.Time,
          },
        },
      })
    : undefined;

export const approvalCallbacks = defineFunction("ApprovalCallbacks", targets);
export const approvalDecisionsMapping = mapStream("ApprovalDecisions", approvalCallbacks);
