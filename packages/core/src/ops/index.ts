import { unwrapSns } from "../events/sns";
import { appendToOrder, journalEntry } from "../journal";
import type { OrdersDb } from "../order/repository";

// Dead letters and the orders they concern: which order a message is about
// (any body our queues carry), and the journal entry the consumer whose last
// attempt failed writes. Redrives and operator actions are journaled by the
// admin API.

export interface MessageRef {
  orderId: string;
  correlationId: string;
}

/**
 * Find the order a dead-lettered message is about. Understands the bodies our
 * queues carry: an EventBridge event (payment queue, rule DLQs, raw SNS
 * delivery), an SNS envelope around one, an approval request, a DynamoDB
 * stream failure record (order id in the keys).
 */
export function orderOfMessage(body: string): MessageRef | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const visit = (value: unknown, depth: number): MessageRef | undefined => {
    if (!value || typeof value !== "object" || depth > 4) return undefined;
    const record = value as Record<string, unknown>;
    if (typeof record.orderId === "string") {
      return {
        orderId: record.orderId,
        correlationId: typeof record.correlationId === "string" ? record.correlationId : "unknown",
      };
    }
    const inner = unwrapSns(record);
    if (inner !== record) return visit(inner, depth + 1);
    const pk = (record.pk as { S?: string } | undefined)?.S ?? record.pk;
    if (typeof pk === "string" && pk.startsWith("ORDER#")) {
      return { orderId: pk.slice("ORDER#".length), correlationId: "unknown" };
    }
    for (const key of ["detail", "Keys", "DDBStreamBatchInfo", "requestContext", "body"]) {
      const found = visit(record[key], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(parsed, 0);
}

/**
 * A message's last attempt failed: the queue's redrive policy moves it to
 * `dlq` on its next receive. Written by the consumer that saw it fail, with
 * why, so the order's timeline says where the message went and what to fix
 * before redriving it. Once per message: a duplicate delivery of the last
 * receive (SQS is at least once) adds nothing. Returns whether this call
 * noted it.
 */
export async function recordDlqArrival(
  db: OrdersDb,
  input: MessageRef & {
    queue: string;
    dlq: string;
    messageId: string;
    attempts: number;
    /** The error's name (its class), and its message. */
    error: string;
    reason: string;
    actor: string;
  },
): Promise<boolean> {
  return appendToOrder(
    db,
    input.orderId,
    journalEntry({
      kind: "DLQ_ARRIVAL",
      message: `Message ${input.messageId} failed its last attempt (receive ${input.attempts}) from ${input.queue}; it goes to ${input.dlq}: ${input.reason.slice(0, 300)}`,
      correlationId: input.correlationId,
      actor: input.actor,
      data: {
        queue: input.queue,
        dlq: input.dlq,
        messageId: input.messageId,
        attempts: input.attempts,
        error: input.error,
        reason: input.reason.slice(0, 1000),
      },
    }),
    `dlq:${input.messageId}`,
  );
}
