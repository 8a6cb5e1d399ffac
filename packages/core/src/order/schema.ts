import { z } from "zod";
import { JournalEntry } from "../journal/schema";
import { orderPolicy } from "../topology/resources";
import { OrderStatus } from "./status";

// The public order API's request and the canonical order record. Unknown fields
// are rejected everywhere (`strictObject`): a typo is an error, not a silent no-op.

export const SKU_PATTERN = /^SKU-[A-Z0-9-]{1,40}$/;
export const Sku = z.string().regex(SKU_PATTERN, "a SKU looks like SKU-KEYBOARD");

/** Test tokens of the sandbox provider (tok_approve, tok_decline, tok_transient, tok_slow…). */
export const CardToken = z
  .string()
  .regex(/^tok_[a-z0-9_]{1,40}$/, "a card token looks like tok_approve");

export const OrderLineRequest = z.strictObject({
  sku: Sku,
  quantity: z
    .number()
    .int("quantity must be a whole number")
    .positive("quantity must be at least 1")
    .max(orderPolicy.maxQuantityPerLine),
});

export const ShippingAddress = z.strictObject({
  name: z.string().trim().min(1).max(100),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code"),
});

export const currencies = ["USD"] as const;
export const Currency = z.enum(currencies);

export const PlaceOrderRequest = z
  .strictObject({
    lines: z.array(OrderLineRequest).min(1).max(orderPolicy.maxLinesPerOrder),
    currency: Currency.default("USD"),
    payment: z.strictObject({ card: CardToken }),
    shippingAddress: ShippingAddress.optional(),
    note: z.string().max(500).optional(),
  })
  .superRefine((order, ctx) => {
    const seen = new Set<string>();
    order.lines.forEach((line, i) => {
      if (seen.has(line.sku)) {
        ctx.addIssue({
          code: "custom",
          path: ["lines", i, "sku"],
          message: `${line.sku} appears on more than one line; put the total on one line`,
        });
      }
      seen.add(line.sku);
    });
  });
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;
/** What a client sends (currency may be omitted). */
export type PlaceOrderInput = z.input<typeof PlaceOrderRequest>;

/** Largest request body the ingress reads (bytes). */
export const MAX_BODY_BYTES = 16 * 1024;

export const OrderLine = z.object({
  sku: Sku,
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: z.number().int().nonnegative(),
  lineTotalCents: z.number().int().nonnegative(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const ReviewReasonCode = z.enum(["AMOUNT_OVER_THRESHOLD", "REVIEW_REQUIRED_SKU"]);

export const Reservation = z.object({
  reservationId: z.string(),
  state: z.enum(["HELD", "RELEASED", "SHIPPED"]),
  lines: z.array(z.object({ sku: Sku, quantity: z.number().int().positive() })),
  at: z.string(),
});
export type Reservation = z.infer<typeof Reservation>;

export const ApprovalState = z.object({
  status: z.enum(["PENDING", "APPROVED", "REJECTED", "EXPIRED"]),
  taskToken: z.string(),
  requestedAt: z.string(),
  deadline: z.string(),
  reason: z.string().nullable(),
  amountCents: z.number().int(),
  currency: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  comment: z.string().optional(),
});
export type ApprovalState = z.infer<typeof ApprovalState>;

/** The META item: the canonical order (system of record). */
export const OrderRecord = z.object({
  pk: z.string(),
  sk: z.literal("META"),
  entity: z.literal("ORDER"),
  orderId: z.string(),
  customerId: z.string(),
  idempotencyKey: z.string(),
  requestHash: z.string(),
  correlationId: z.string(),
  /**
   * The X-Ray trace header of the request that placed the order: the outbox
   * publishes its events with it, so the trace continues past the stream.
   */
  traceHeader: z.string().optional(),
  status: OrderStatus,
  lines: z.array(OrderLine),
  totalCents: z.number().int().nonnegative(),
  currency: Currency,
  flagged: z.boolean(),
  reviewReason: z.string().nullable(),
  payment: z.object({ method: z.literal("card"), token: CardToken }),
  shippingAddress: ShippingAddress.optional(),
  note: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  statusChangedAt: z.string(),
  executionArn: z.string().optional(),
  routedAt: z.string().optional(),
  reservation: Reservation.optional(),
  approval: ApprovalState.optional(),
  cancellation: z.object({ error: z.string(), cause: z.string().optional() }).optional(),
  notifications: z.array(z.string()).optional(),
  journal: z.array(JournalEntry).default([]),
});
export type OrderRecord = z.infer<typeof OrderRecord>;

/** Orders ids are derived, not random: `ord_` + 32 hex characters. */
export const OrderId = z.string().regex(/^ord_[0-9a-f]{32}$/, "not an order id");
