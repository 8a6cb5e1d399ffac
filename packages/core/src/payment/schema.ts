import { z } from "zod";
import { JournalEntry } from "../journal/schema";

// Two views of a payment:
//  - the provider's Authorization (what the sandbox, or a real PSP, returns);
//  - our PAYMENT item on the order (OrdersTable, sk = PAYMENT): written once by
//    the payment worker (AUTHORIZED | DECLINED) or first by the saga's void as
//    a tombstone, then moved forward by capture / void / refund.

export const AuthorizationStatus = z.enum([
  "authorized",
  "declined",
  "captured",
  "voided",
  "refunded",
]);
export type AuthorizationStatus = z.infer<typeof AuthorizationStatus>;

export const LedgerHistoryEntry = z.object({
  at: z.string(),
  operation: z.enum(["authorize", "capture", "void", "refund"]),
  amountCents: z.number().int(),
  idempotencyKey: z.string(),
  outcome: z.string(),
});

export const Authorization = z.object({
  id: z.string(),
  orderId: z.string(),
  amountCents: z.number().int().nonnegative(),
  currency: z.string(),
  card: z.string(),
  status: AuthorizationStatus,
  declineCode: z.string().optional(),
  capturedCents: z.number().int().nonnegative(),
  refundedCents: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(LedgerHistoryEntry),
});
export type Authorization = z.infer<typeof Authorization>;

/** GET /v1/ledger?orderId=…: every authorisation the provider holds for an order. */
export const OrderLedger = z.object({
  orderId: z.string(),
  authorizations: z.array(Authorization),
});
export type OrderLedger = z.infer<typeof OrderLedger>;

export const AuthorizeRequest = z.strictObject({
  orderId: z.string().min(1).max(100),
  amountCents: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  card: z.string().regex(/^tok_[a-z0-9_]{1,40}$/),
});
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;

export const AmountRequest = z.strictObject({
  amountCents: z.number().int().positive().optional(),
});

export const PaymentStatus = z.enum(["AUTHORIZED", "DECLINED", "CAPTURED", "VOIDED", "REFUNDED"]);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const PaymentRecord = z.object({
  pk: z.string(),
  sk: z.literal("PAYMENT"),
  entity: z.literal("PAYMENT"),
  orderId: z.string(),
  status: PaymentStatus,
  /** Absent on a tombstone written before any authorisation existed. */
  authorizationId: z.string().optional(),
  /** True when the saga voided before the worker authorised: a late authorisation is voided. */
  tombstone: z.boolean().optional(),
  amountCents: z.number().int().optional(),
  currency: z.string().optional(),
  declineCode: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  journal: z.array(JournalEntry).default([]),
});
export type PaymentRecord = z.infer<typeof PaymentRecord>;
