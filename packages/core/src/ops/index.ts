import { appendToOrder, journalEntry } from "../journal";
import type { OrdersDb } from "../order/repository";

// Entries in an order's journal about what happened to it outside the happy
// path: a message of its going to a dead-letter queue (written by the consumer
// whose last attempt failed), a redrive, any manual action (the admin API).

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
    if (typeof record.Message === "string") {
      try {
        return visit(JSON.parse(record.Message), depth + 1);
      } catch {
        return undefined;
      }
    }
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
 * before redriving it.
 */
export async function recordDlqArrival(
  db: OrdersDb,
  input: MessageRef & {
    queue: string;
    dlq: string;
    messageId: string;
    attempts: number;
    reason: string;
    actor: string;
  },
) {
  await appendToOrder(
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
        reason: input.reason.slice(0, 1000),
      },
    }),
  );
}

export async function recordRedrive(
  db: OrdersDb,
  input: MessageRef & { from: string; to: string; operator: string },
) {
  await appendToOrder(
    db,
    input.orderId,
    journalEntry({
      kind: "REDRIVE",
      message: `Redriven from ${input.from} to ${input.to} by ${input.operator}`,
      correlationId: input.correlationId,
      actor: `operator:${input.operator}`,
      data: { from: input.from, to: input.to },
    }),
  );
}

export async function recordOperatorAction(
  db: OrdersDb,
  input: MessageRef & { operator: string; action: string; data?: Record<string, unknown> },
) {
  await appendToOrder(
    db,
    input.orderId,
    journalEntry({
      kind: "OPERATOR_ACTION",
      message: `${input.action} (by ${input.operator})`,
      correlationId: input.correlationId,
      actor: `operator:${input.operator}`,
      ...(input.data ? { data: input.data } : {}),
    }),
  );
}
