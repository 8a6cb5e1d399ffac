import type { JournalEntry } from "../journal/schema";
import type { OrderDetails } from "./repository";

// What GET /api/orders/{id} returns: the order as its customer may see it.
// Internal fields (task token, idempotency key, request hash, card token,
// execution ARN) never leave the table, nor do the operations entries of its
// journal (dead letters and their reasons, redrives, operator actions): those
// are for the ops console.

const operationsOnly: ReadonlySet<JournalEntry["kind"]> = new Set([
  "DLQ_ARRIVAL",
  "REDRIVE",
  "OPERATOR_ACTION",
]);

export interface OrderView {
  orderId: string;
  status: string;
  customerId: string;
  correlationId: string;
  lines: {
    sku: string;
    name: string;
    quantity: number;
    unitPriceCents: number;
    lineTotalCents: number;
  }[];
  totalCents: number;
  currency: string;
  flagged: boolean;
  reviewReason: string | null;
  createdAt: string;
  updatedAt: string;
  payment: { status: string } | null;
  approval: { status: string; deadline: string; decidedAt?: string | undefined } | null;
  cancellation: { error: string; cause?: string | undefined } | null;
  timeline: Pick<JournalEntry, "at" | "kind" | "message" | "actor" | "correlationId">[];
}

export function toOrderView(details: OrderDetails): OrderView {
  const { order, payment } = details;
  return {
    orderId: order.orderId,
    status: order.status,
    customerId: order.customerId,
    correlationId: order.correlationId,
    lines: order.lines,
    totalCents: order.totalCents,
    currency: order.currency,
    flagged: order.flagged,
    reviewReason: order.reviewReason,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    payment: payment ? { status: String(payment.status) } : null,
    approval: order.approval
      ? {
          status: order.approval.status,
          deadline: order.approval.deadline,
          decidedAt: order.approval.decidedAt,
        }
      : null,
    cancellation: order.cancellation ?? null,
    timeline: details.timeline
      .filter((entry) => !operationsOnly.has(entry.kind))
      .map(({ at, kind, message, actor, correlationId }) => ({
        at,
        kind,
        message,
        actor,
        correlationId,
      })),
  };
}
