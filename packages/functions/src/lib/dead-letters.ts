import { orderOfMessage, recordDlqArrival } from "@orders/core/ops";
import { queues, type WorkQueueName } from "@orders/core/topology";
import type { SQSRecord } from "aws-lambda";
import { documents } from "./clients";
import { count, logger } from "./observability";
import { Resource } from "./resource";

// Nothing of ours runs when SQS moves a message to its dead-letter queue: the
// redrive policy does it on the receive after the maxReceiveCount-th. The one
// moment our code can see it coming is the last attempt failing. There, before
// the failure goes back to the batch processor, the order's timeline gets a
// DLQ_ARRIVAL entry with the reason (the console shows it where an operator
// looks first) and the DlqArrivals metric counts it. A whole batch that fails
// (a crash, a timeout) passes no record through here: its messages still
// reach the DLQ, seen by its depth alarm and the console's queue page.

/** How long noting a dead letter may take: it runs inside the batch's answer margin. */
const NOTE_WITHIN_MS = 400;

export function receiveCountOf(record: Pick<SQSRecord, "attributes">) {
  return Number(record.attributes.ApproximateReceiveCount ?? "1");
}

/**
 * `handle`, with its failures on a record's last receive from `queueOf(record)`
 * noted on the order's journal and counted before they are rethrown.
 */
export function noteDeadLetters<R extends SQSRecord, T>(
  handle: (record: R) => Promise<T>,
  options: { queueOf: (record: R) => WorkQueueName | undefined; actor: string },
): (record: R) => Promise<T> {
  return async (record) => {
    try {
      return await handle(record);
    } catch (error) {
      const queue = options.queueOf(record);
      if (!queue) throw error;
      const { maxReceiveCount, dlq } = queues[queue];
      const attempts = receiveCountOf(record);
      if (attempts >= maxReceiveCount) {
        const reason = error instanceof Error ? error.message : String(error);
        count("DlqArrivals");
        await noteWithin(NOTE_WITHIN_MS, async () => {
          const ref = orderOfMessage(record.body);
          if (!ref) return;
          await recordDlqArrival(
            { doc: documents, ordersTable: Resource.OrdersTable.name },
            {
              ...ref,
              queue,
              dlq,
              messageId: record.messageId,
              attempts,
              error: error instanceof Error ? error.name : "Error",
              reason,
              actor: options.actor,
            },
          );
        });
        logger.error("last attempt failed; the message goes to its dead-letter queue", {
          queue,
          dlq,
          message_id: record.messageId,
          attempts,
          error: error as Error,
        });
      }
      throw error;
    }
  };
}

/** Best effort, bounded: noting must never change the record's outcome or hold up the batch. */
async function noteWithin(ms: number, note: () => Promise<void>) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      note(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
  } catch (error) {
    logger.warn("could not note the dead letter on the order's journal", { error: error as Error });
  } finally {
    clearTimeout(timer);
  }
}
