import { z } from "zod";
import { OrderStatus } from "../order/status";
import { app, detailTypes } from "../topology/resources";

// Versioned event contracts (seed §4.2): the detail is a public interface —
// add fields freely, never repurpose or remove one; a breaking change is a new
// detail-type (.v2) published alongside. Events are small (seed §4.3): ids and
// the few attributes consumers route on; fetch the rest by orderId.
//
// `eventId` is deterministic (order + what happened), unlike EventBridge's own
// `id`, so a duplicate publish carries the same eventId and consumers
// de-duplicate on it.

export const OrderPlacedV1 = z.object({
  eventId: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  correlationId: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  flagged: z.boolean(),
  /** Why an operator must approve; null when not flagged. */
  reviewReason: z.string().nullable(),
  /** Always ACCEPTED: lets notification filters match on status for both types. */
  status: z.literal("ACCEPTED"),
  placedAt: z.string(),
});
export type OrderPlacedV1 = z.infer<typeof OrderPlacedV1>;

export const OrderStatusChangedV1 = z.object({
  eventId: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  correlationId: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  flagged: z.boolean(),
  reviewReason: z.string().nullable(),
  from: OrderStatus,
  to: OrderStatus,
  /** Same as `to`; the field notification filter policies match. */
  status: OrderStatus,
  changedAt: z.string(),
  /** Why, when the new status is CANCELLED. */
  reason: z.string().optional(),
});
export type OrderStatusChangedV1 = z.infer<typeof OrderStatusChangedV1>;

export const contracts = {
  [detailTypes.OrderPlaced]: OrderPlacedV1,
  [detailTypes.OrderStatusChanged]: OrderStatusChangedV1,
} as const;

export type DetailType = keyof typeof contracts;

/** An EventBridge event as targets receive it (SQS body, SNS raw message). */
export const BusEvent = z.object({
  version: z.string().optional(),
  id: z.string(),
  "detail-type": z.string(),
  source: z.string(),
  account: z.string().optional(),
  time: z.string(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.unknown()),
});
export type BusEvent = z.infer<typeof BusEvent>;

export const OrderPlacedEvent = BusEvent.extend({
  "detail-type": z.literal(detailTypes.OrderPlaced),
  source: z.literal(app.eventSource),
  detail: OrderPlacedV1,
});

export const OrderEvent = z.discriminatedUnion("detail-type", [
  OrderPlacedEvent,
  BusEvent.extend({
    "detail-type": z.literal(detailTypes.OrderStatusChanged),
    source: z.literal(app.eventSource),
    detail: OrderStatusChangedV1,
  }),
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
