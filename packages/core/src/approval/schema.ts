import { z } from "zod";
import { DomainError } from "../errors";
import type { OrderRecord } from "../order/schema";

/** The message AwaitApproval puts on the approvals queue (fulfillment-saga.asl.json). */
export const ApprovalRequest = z.object({
  orderId: z.string().min(1),
  correlationId: z.string().min(1),
  customerId: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  reason: z.string().nullable().optional(),
  requestedAt: z.string(),
  timeoutSeconds: z.coerce.number().int().positive(),
  taskToken: z.string().min(1),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export const Decision = z.enum(["APPROVE", "REJECT"]);
export type Decision = z.infer<typeof Decision>;

export const DecideApprovalInput = z.object({
  orderId: z.string().min(1),
  decision: Decision,
  /** The operator (JWT sub or username). */
  decidedBy: z.string().min(1),
  comment: z.string().max(1000).optional(),
});
export type DecideApprovalInput = z.infer<typeof DecideApprovalInput>;

/** An order's approval attribute, as stored. */
export type Approval = NonNullable<OrderRecord["approval"]>;

/** 404: no such order, or it never waited for approval. */
export class ApprovalNotFound extends DomainError {
  constructor(orderId: string) {
    super("APPROVAL_NOT_FOUND", `Order ${orderId} has no approval to decide`, 404);
  }
}

/** 409: already decided, or the deadline passed. */
export class ApprovalConflict extends DomainError {
  constructor(
    readonly reason: "ALREADY_DECIDED" | "APPROVAL_EXPIRED",
    message: string,
    details?: unknown,
  ) {
    super(reason, message, 409, details);
  }
}

export interface PendingApproval {
  orderId: string;
  customerId: string;
  correlationId: string;
  amountCents: number;
  currency: string;
  reason: string | null;
  requestedAt: string;
  deadline: string;
  lines: OrderRecord["lines"];
}

export interface DecisionResult {
  orderId: string;
  status: "APPROVED" | "REJECTED";
  decidedBy: string;
  decidedAt: string;
}

export interface DecisionToDeliver {
  orderId: string;
  correlationId: string;
  executionArn: string | undefined;
  taskToken: string;
  status: "APPROVED" | "REJECTED";
  decidedBy: string;
  decidedAt: string;
  comment: string | undefined;
}

export type DeliveryOutcome =
  /** The saga took this delivery's callback. */
  | { outcome: "delivered" }
  /** The task was already closed without timing out: an earlier delivery got there, or the execution ended. */
  | { outcome: "already-closed"; error: string }
  /** The approval state timed out before the decision reached it: the approval is now EXPIRED. */
  | { outcome: "expired"; error: string; marked: boolean };
