import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { type JournalEntry, journalEntry } from "../journal";
import { OrderRecord } from "../order/schema";
import {
  type Approval,
  ApprovalConflict,
  ApprovalNotFound,
  type ApprovalRequest,
  type DecideApprovalInput,
  type DecisionToDeliver,
  type PendingApproval,
} from "./schema";

// The approval's rules as plain functions over data: its deadline, what a
// request stores and journals, what a decision writes, why a decision was
// refused, which stream records carry a decision, and which execution
// histories mean the approval wait timed out. The writes are in
// ./repository.ts, the Step Functions calls in ./callbacks.ts.

/** The saga state that waits for the operator (fulfillment-saga.asl.json). */
export const approvalState = "AwaitApproval";

export const approvalDeadline = (requestedAt: string, timeoutSeconds: number) =>
  new Date(Date.parse(requestedAt) + timeoutSeconds * 1000).toISOString();

/** The PENDING approval a request stores on its order, and the entry that journals it. */
export function pendingApproval(request: ApprovalRequest, at: string) {
  const deadline = approvalDeadline(request.requestedAt, request.timeoutSeconds);
  const approval: Approval = {
    status: "PENDING",
    taskToken: request.taskToken,
    requestedAt: request.requestedAt,
    deadline,
    reason: request.reason ?? null,
    amountCents: request.totalCents,
    currency: request.currency,
  };
  const entry = journalEntry({
    at,
    kind: "APPROVAL_REQUESTED",
    message: `Waiting for an operator's approval until ${deadline}${request.reason ? `: ${request.reason}` : ""}`,
    correlationId: request.correlationId,
    actor: "approvals-worker",
    data: { deadline },
  });
  return { approval, entry };
}

/** Why a request was not recorded: a redelivery of the same task, or an order elsewhere. */
export const pendingNotRecorded = (request: ApprovalRequest, current: OrderRecord | undefined) =>
  current?.approval?.taskToken === request.taskToken
    ? "duplicate"
    : current
      ? `order is ${current.status}`
      : "order not found";

/** What an operator's decision writes: the approval's new fields and the journal entry. */
export function decisionWrite(
  input: DecideApprovalInput,
  correlationId: string,
  at: string,
): { status: "APPROVED" | "REJECTED"; fields: Record<string, unknown>; entry: JournalEntry } {
  const { decision, decidedBy, comment } = input;
  const status = decision === "APPROVE" ? "APPROVED" : "REJECTED";
  const entry = journalEntry({
    at,
    kind: "APPROVAL_DECIDED",
    message: `${status === "APPROVED" ? "Approved" : "Rejected"} by ${decidedBy}${comment ? `: ${comment}` : ""}`,
    correlationId,
    actor: `operator:${decidedBy}`,
    data: { decision: status },
  });
  const fields = {
    "approval.status": status,
    "approval.decidedBy": decidedBy,
    "approval.decidedAt": at,
    ...(comment ? { "approval.comment": comment } : {}),
  };
  return { status, fields, entry };
}

/** The error for a decision the conditional write refused, from the approval as it is now. */
export function decisionRefused(orderId: string, approval: Approval | undefined): Error {
  if (!approval) return new ApprovalNotFound(orderId);
  if (approval.status === "EXPIRED") {
    return new ApprovalConflict("APPROVAL_EXPIRED", "The approval expired before a decision", {
      deadline: approval.deadline,
    });
  }
  if (approval.status !== "PENDING") {
    return new ApprovalConflict("ALREADY_DECIDED", `The approval is already ${approval.status}`, {
      status: approval.status,
      decidedBy: approval.decidedBy,
      decidedAt: approval.decidedAt,
    });
  }
  return new ApprovalConflict(
    "APPROVAL_EXPIRED",
    `The approval deadline ${approval.deadline} has passed`,
    { deadline: approval.deadline },
  );
}

/** A pending approval as the admin API lists it: no task token leaves the table. */
export function pendingApprovalOf(order: OrderRecord): PendingApproval {
  const approval = order.approval!;
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    correlationId: order.correlationId,
    amountCents: approval.amountCents,
    currency: approval.currency,
    reason: approval.reason,
    requestedAt: approval.requestedAt,
    deadline: approval.deadline,
    lines: order.lines,
  };
}

/**
 * The decision a stream record carries, if any: an order META item whose
 * approval went from PENDING to APPROVED or REJECTED in this write. Every
 * other record (and a later write to a decided approval) carries none.
 */
export function decisionIn(
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown> | undefined,
): DecisionToDeliver | undefined {
  if (!oldImage || !newImage || newImage.sk !== "META") return undefined;
  const before = (oldImage.approval as { status?: unknown } | undefined)?.status;
  if (before !== "PENDING") return undefined;
  const order = OrderRecord.parse(newImage);
  const approval = order.approval;
  if (approval?.status !== "APPROVED" && approval?.status !== "REJECTED") return undefined;
  return {
    orderId: order.orderId,
    correlationId: order.correlationId,
    executionArn: order.executionArn,
    taskToken: approval.taskToken,
    status: approval.status,
    decidedBy: approval.decidedBy ?? "unknown",
    decidedAt: approval.decidedAt ?? order.updatedAt,
    comment: approval.comment,
  };
}

/**
 * Did the approval state time out in this history? True only for a
 * TaskTimedOut (States.Timeout) while AwaitApproval was the state running; an
 * execution that timed out, failed or was stopped as a whole is not an
 * approval timeout, nor is a task closed by a callback.
 */
export function approvalTimedOut(events: readonly HistoryEvent[]): boolean {
  let current: string | undefined;
  for (const event of events) {
    if (event.stateEnteredEventDetails?.name) current = event.stateEnteredEventDetails.name;
    else if (event.stateExitedEventDetails?.name) current = undefined;
    if (event.type === "TaskTimedOut" && current === approvalState) {
      const error = event.taskTimedOutEventDetails?.error;
      if (error === undefined || error === "States.Timeout") return true;
    }
  }
  return false;
}

/** The journal entry of a decision that reached the saga too late. */
export const expiredEntry = (decision: DecisionToDeliver, at: string) =>
  journalEntry({
    at,
    kind: "APPROVAL_EXPIRED",
    message: `The approval wait timed out before the decision (${decision.status} by ${decision.decidedBy}) reached the saga`,
    correlationId: decision.correlationId,
    actor: "approval-callbacks",
    data: { decision: decision.status },
  });
