import { z } from "zod";

// One hop in an order's life. Entries live on the items of the order's
// partition (`journal` list on META, PAYMENT), appended in the same write as
// the state change they describe, so the journal costs no extra writes and can
// never disagree with the state (see the write budget in order/index.ts).

export const journalKinds = [
  "ACCEPTED",
  "ROUTED",
  "SAGA_STARTED",
  "PAYMENT_AUTHORISED",
  "PAYMENT_DECLINED",
  "PAYMENT_CAPTURED",
  "PAYMENT_VOIDED",
  "PAYMENT_REFUNDED",
  "PAYMENT_VOID_RECORDED",
  "INVENTORY_RESERVED",
  "INVENTORY_RELEASED",
  "APPROVAL_REQUESTED",
  "APPROVAL_DECIDED",
  "APPROVAL_EXPIRED",
  "NOTIFICATION_SENT",
  "FULFILLED",
  "CANCELLED",
  "DLQ_ARRIVAL",
  "REDRIVE",
  "OPERATOR_ACTION",
] as const;

export const JournalKind = z.enum(journalKinds);
export type JournalKind = z.infer<typeof JournalKind>;

export const JournalEntry = z.object({
  at: z.iso.datetime(),
  kind: JournalKind,
  message: z.string(),
  correlationId: z.string(),
  /** Which component wrote it: ingress, payment-worker, saga, operator:<sub>… */
  actor: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;
