import { streamMappings } from "../packages/core/src/topology";
import { bus } from "./bus";
import { defineFunction, type LinkTargets } from "./functions";
import { queues } from "./queues";
import { sagaCallbacks } from "./saga";
import { tables } from "./storage";
import { eventSources, functionsOf } from "./wiring";

// The transactional outbox (seed §8.2): committed writes to the orders table
// reach the bus through its stream. A batch that keeps failing is bisected to
// the poison record, retried a bounded number of times, and its position sent
// to the StreamFailures queue instead of blocking the shard. A second mapping
// on the same stream (two readers per shard, DynamoDB Streams' limit) delivers
// operators' decisions to the saga: ApprovalCallbacks, filtered to them.

const targets: LinkTargets = { ...tables, ...queues, Bus: bus, SagaCallbacks: sagaCallbacks };

export const publishers = Object.fromEntries(
  functionsOf("streams").map((name) => {
    const sources = eventSources(name);
    const fn = defineFunction(name, targets, {
      permissions: [
        {
          // What the event source mapping does on the function's behalf.
          actions: [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
          ],
          resources: sources.streams.map((table) => tables[table].nodes.table.streamArn),
        },
        {
          actions: ["sqs:SendMessage"],
          resources: sources.onFailure.map((queue) => queues[queue].arn),
        },
      ],
    });
    return [name, fn] as const;
  }),
);

export const mappings = Object.entries(streamMappings).map(([name, mapping]) => {
  const fn = publishers[mapping.function];
  if (!fn) throw new Error(`stream mapping ${name}: ${mapping.function} is not a stream function`);
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
});
