import { streamMappings } from "../packages/core/src/topology";
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
export const ordersStreamMapping = mapStream("OrdersStream", streamPublisher);

export const approvalCallbacks = defineFunction("ApprovalCallbacks", targets);
export const approvalDecisionsMapping = mapStream("ApprovalDecisions", approvalCallbacks);
