import { z } from "zod";

// The notification provider's API, as a sender sees it: a message per request,
// an Idempotency-Key header, and a ledger that keeps what was asked apart from
// what was delivered.

export const Channel = z.enum(["email", "sms"]);
export type Channel = z.infer<typeof Channel>;

/** POST /v1/messages */
export const SendRequest = z.strictObject({
  channel: Channel,
  to: z.string().min(1).max(200),
  subject: z.string().max(300).optional(),
  text: z.string().min(1).max(2_000),
  /** The sender's grouping key (ours: the order id); the ledger is listed by it. */
  reference: z.string().min(1).max(200),
  /** Stored with the delivery, not interpreted (ours: the order status). */
  metadata: z.record(z.string(), z.string().max(200)).optional(),
});
export type SendRequest = z.infer<typeof SendRequest>;

/** One message that went out: at most one per idempotency key. */
export const Delivery = SendRequest.extend({
  id: z.string(),
  /** Absent when the request carried no key (every such request is a delivery of its own). */
  idempotencyKey: z.string().optional(),
  deliveredAt: z.string(),
});
export type Delivery = z.infer<typeof Delivery>;

/** One request the provider answered, delivered or not. */
export const LedgerRequest = z.object({
  id: z.string(),
  reference: z.string(),
  idempotencyKey: z.string().optional(),
  receivedAt: z.string(),
  /** delivered: a new delivery; replayed: the key's stored answer; conflict: key reused with another body. */
  outcome: z.enum(["delivered", "replayed", "conflict"]),
  status: z.number().int(),
  deliveryId: z.string().optional(),
});
export type LedgerRequest = z.infer<typeof LedgerRequest>;

/** GET /v1/ledger?reference= */
export const NotificationLedger = z.object({
  reference: z.string(),
  requests: z.array(LedgerRequest),
  deliveries: z.array(Delivery),
});
export type NotificationLedger = z.infer<typeof NotificationLedger>;
