import { orderOfMessage, recordDlqArrival } from "@orders/core/ops";
import { queues, type WorkQueueName } from "@orders/core/topology";
import type { SQSRecord } from "aws-lambda";
import { documents } from "./clients";
import { count, recordLogger } from "./observability";
import { Resource } from "./resource";

// Nothing of ours runs when SQS moves a message to its dead-letter queue: the
// redrive policy does it on the receive after the maxReceiveCount-th. The one
// moment our code can see it coming is the last attempt failing. There, before
// the failure goes back to the batch processor, the order's timeline gets a
// DLQ_ARRIVAL entry with the reason (the console shows it where an operator
// looks first) and the DlqArrivals metric counts it, once per message: a
// duplicate delivery of the last receive (SQS is at least once) finds the
// entry already written and counts nothing. A whole batch that fails
// (a crash, a timeout) passes no record through here: its messages still
// reach the DLQ, seen by its depth alarm and the console's queue page.

/** How long noting a dead letter may take: it runs inside the batch's answer margin. */
const NOTE_WITHIN_MS = 400;

const receiveCountOf = (record: Pick<SQSRecord, "attributes">) =>
  Number(record.attributes.ApproximateReceiveCount ?? "1");

/**
 * `handle`, with its failures on a record's last receive from `queueOf(record)`
 * noted on the order's journal and counted before they are rethrown.
 */
export function noteDeadLetters<T>(
  handle: (record: SQSRecord) => Promise<T>,
  options: { queueOf: (record: SQSRecord) => WorkQueueName | undefined; actor: string },
): (record: SQSRecord) => Promise<T> {
  return async (record) => {
    try {
      return await handle(record);
    } catch (error) {
      const queue = options.queueOf(record);
      const attempts = receiveCountOf(record);
      if (queue && attempts >= queues[queue].maxReceiveCount) {
        await noteDeadLetter(record, { queue, attempts, error, actor: options.actor });
      }
      throw error;
    }
  };
}

async function noteDeadLetter(
  record: SQSRecord,
  {
    queue,
    attempts,
    error,
    actor,
  }: { queue: WorkQueueName; attempts: number; error: unknown; actor: string },
) {
  const { dlq } = queues[queue];
  const ref = orderOfMessage(record.body);
  const log = recordLogger(ref?.correlationId ?? "unknown", {
    ...(ref ? { order_id: ref.orderId } : {}),
    message_id: record.messageId,
  });
  log.error("last attempt failed; the message goes to its dead-letter queue", {
    queue,
    dlq,
    attempts,
    error: error as Error,
  });
  const outcome = ref
    ? await noteOnJournal(
        {
          ...ref,
          queue,
          dlq,
          messageId: record.messageId,
          attempts,
          error: error instanceof Error ? error.name : "Error",
          reason: error instanceof Error ? error.message : String(error),
          actor,
        },
        log,
      )
    : "unknown";
  // Counted within the invocation, so this batch's metrics carry it. Only a
  // known duplicate is left out: when the journal cannot say, count it.
  if (outcome !== "duplicate") count("DlqArrivals");
}

/**
 * The DLQ_ARRIVAL entry on the order's journal. Best effort and bounded:
 * noting never changes the record's outcome or holds up the batch. A write
 * that outlives the bound still finishes (or fails) on its own, logged, never
 * as an unhandled rejection; its outcome is then "unknown".
 */
async function noteOnJournal(
  arrival: Parameters<typeof recordDlqArrival>[1],
  log: ReturnType<typeof recordLogger>,
): Promise<"noted" | "duplicate" | "unknown"> {
  const noting = recordDlqArrival(
    { doc: documents, ordersTable: Resource.OrdersTable.name },
    arrival,
  ).then(
    (noted) => {
      if (!noted)
        log.info("the order's journal already has this dead letter: a duplicate delivery");
      return noted ? ("noted" as const) : ("duplicate" as const);
    },
    (failure: unknown) => {
      log.warn("could not note the dead letter on the order's journal", {
        error: failure as Error,
      });
      return "unknown" as const;
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    noting,
    new Promise<"unknown">(
      (resolve) => (timer = setTimeout(() => resolve("unknown"), NOTE_WITHIN_MS)),
    ),
  ]);
  clearTimeout(timer);
  return outcome;
}
