import { OrderRecord } from "../order/schema";
import { app, detailTypes } from "../topology/resources";
import {
  OrderStatusChangedV1 as ChangedSchema,
  type OrderPlacedV1,
  type OrderStatusChangedV1,
  OrderPlacedV1 as PlacedSchema,
} from "./contracts";

// The outbox's translation from committed order items to domain events (seed
// §8.2). Pure and deterministic: the same stream record always yields the same
// entry (including its Time), so a re-published event is a harmless duplicate.

export interface EventEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Time: Date;
  /** Not sent to EventBridge: which event this is, for logs and journals. */
  eventId: string;
  orderId: string;
  correlationId: string;
  /** The order's trace header (from its ingress request), sent as PutEvents' TraceHeader. */
  traceHeader?: string;
}

type Image = Record<string, unknown> | undefined;

const isOrderMeta = (image: Image) => image?.sk === "META" && image?.entity === "ORDER";

/** Which event, if any, a change of an OrdersTable item publishes. */
export function eventFor(
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  oldImage: Image,
  newImage: Image,
): EventEntry | undefined {
  if (!isOrderMeta(newImage)) return undefined;
  const order = OrderRecord.parse(newImage);
  if (eventName === "INSERT")
    return entry(detailTypes.OrderPlaced, placedDetail(order), order.createdAt, order.traceHeader);
  if (eventName !== "MODIFY" || !isOrderMeta(oldImage)) return undefined;
  const before = OrderRecord.parse(oldImage);
  if (before.status === order.status) return undefined;
  return entry(
    detailTypes.OrderStatusChanged,
    changedDetail(before, order),
    order.statusChangedAt,
    order.traceHeader,
  );
}

export function placedDetail(order: OrderRecord): OrderPlacedV1 {
  return PlacedSchema.parse({
    eventId: `${order.orderId}:placed`,
    orderId: order.orderId,
    customerId: order.customerId,
    correlationId: order.correlationId,
    totalCents: order.totalCents,
    currency: order.currency,
    flagged: order.flagged,
    reviewReason: order.reviewReason,
    status: "ACCEPTED",
    placedAt: order.createdAt,
  });
}

export function changedDetail(before: OrderRecord, after: OrderRecord): OrderStatusChangedV1 {
  return ChangedSchema.parse({
    eventId: `${after.orderId}:status:${after.status}`,
    orderId: after.orderId,
    customerId: after.customerId,
    correlationId: after.correlationId,
    totalCents: after.totalCents,
    currency: after.currency,
    flagged: after.flagged,
    reviewReason: after.reviewReason,
    from: before.status,
    to: after.status,
    status: after.status,
    changedAt: after.statusChangedAt,
    ...(after.status === "CANCELLED" && after.cancellation
      ? { reason: after.cancellation.cause ?? after.cancellation.error }
      : {}),
  });
}

function entry(
  detailType: string,
  detail: OrderPlacedV1 | OrderStatusChangedV1,
  at: string,
  traceHeader: string | undefined,
): EventEntry {
  return {
    ...(traceHeader ? { traceHeader } : {}),
    Source: app.eventSource,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
    Time: new Date(at),
    eventId: detail.eventId,
    orderId: detail.orderId,
    correlationId: detail.correlationId,
  };
}
