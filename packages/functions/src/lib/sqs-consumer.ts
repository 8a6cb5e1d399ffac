import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { WorkQueueName } from "@orders/core/topology";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { beforeDeadline } from "./batch";
import { noteDeadLetters } from "./dead-letters";

// How every SQS consumer here runs a batch: Powertools batch processing with a
// partial batch response (only the failed records go back to the queue), each
// record bounded by the invocation's deadline (./batch.ts), and a failure on a
// record's last receive noted on its order's timeline (./dead-letters.ts).

export function consumeSqsBatch(
  event: SQSEvent,
  context: Context | undefined,
  handle: (record: SQSRecord) => Promise<unknown>,
  source: { queueOf: (record: SQSRecord) => WorkQueueName | undefined; actor: string },
) {
  return processPartialResponse(
    event,
    noteDeadLetters(beforeDeadline(context, handle), source),
    new BatchProcessor(EventType.SQS),
    { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
  );
}
