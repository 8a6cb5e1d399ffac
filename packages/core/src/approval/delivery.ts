import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors";
import { appendJournalExpression, journalEntry, journalNames, journalValues } from "../journal";
import { orderKey } from "../order/keys";
import type { OrdersDb } from "../order/repository";
import { OrderRecord } from "../order/schema";

// Delivering an operator's decision to the saga (the outbox half of
// decideApproval). The decision write's stream record reaches the
// ApprovalCallbacks function, which calls SendTaskSuccess / SendTaskFailure
// with the task token kept on the order; any other failure throws, so the
// stream retries the record (then bisects it out to StreamFailures).
//
// Step Functions answers TaskTimedOut, InvalidToken or TaskDoesNotExist for a
// task that is closed, whatever closed it: its own timeout, the execution
// ending, or an earlier delivery of this very decision whose answer was lost.
// Only the execution's history tells them apart, so the approval ends EXPIRED
// only when the history shows the approval state itself timing out.

/** The saga state that waits for the operator (fulfillment-saga.asl.json). */
export const approvalState = "AwaitApproval";

/** What Step Functions answers for a task token it will no longer accept. */
const closedTaskErrors = new Set(["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"]);

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

export type DeliveryOutcome =
  /** The saga took this delivery's callback. */
  | { outcome: "delivered" }
  /** The task was already closed without timing out: an earlier delivery got there, or the execution ended. */
  | { outcome: "already-closed"; error: string }
  /** The approval state timed out before the decision reached it: the approval is now EXPIRED. */
  | { outcome: "expired"; error: string; marked: boolean };

export interface DeliverDeps {
  db: OrdersDb;
  sfn: Pick<SFNClient, "send">;
  now?: () => Date;
}

export async function deliverDecision(
  deps: DeliverDeps,
  decision: DecisionToDeliver,
): Promise<DeliveryOutcome> {
  try {
    if (decision.status === "APPROVED") {
      await deps.sfn.send(
        new SendTaskSuccessCommand({
          taskToken: decision.taskToken,
          output: JSON.stringify({
            approved: true,
            decidedBy: decision.decidedBy,
            decidedAt: decision.decidedAt,
            ...(decision.comment ? { comment: decision.comment } : {}),
          }),
        }),
      );
    } else {
      await deps.sfn.send(
        new SendTaskFailureCommand({
          taskToken: decision.taskToken,
          error: "Rejected",
          cause: decision.comment
            ? `Rejected by ${decision.decidedBy}: ${decision.comment}`
            : `Rejected by ${decision.decidedBy}`,
        }),
      );
    }
    return { outcome: "delivered" };
  } catch (error) {
    const name = (error as { name?: string }).name ?? "";
    if (!closedTaskErrors.has(name)) throw error;
    if (!decision.executionArn)
      throw new Error(`order ${decision.orderId} has no execution to read the history of`);
    const history = await executionHistory(deps.sfn, decision.executionArn);
    if (!approvalTimedOut(history)) return { outcome: "already-closed", error: name };
    const marked = await markExpired(deps, decision);
    return { outcome: "expired", error: name, marked };
  }
}

async function executionHistory(sfn: Pick<SFNClient, "send">, executionArn: string) {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        includeExecutionData: false,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** APPROVED/REJECTED → EXPIRED, only for this decision (its token, still in that status). */
async function markExpired(deps: DeliverDeps, decision: DecisionToDeliver): Promise<boolean> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  const entry = journalEntry({
    at,
    kind: "APPROVAL_EXPIRED",
    message: `The approval wait timed out before the decision (${decision.status} by ${decision.decidedBy}) reached the saga`,
    correlationId: decision.correlationId,
    actor: "approval-callbacks",
    data: { decision: decision.status },
  });
  try {
    await deps.db.doc.send(
      new UpdateCommand({
        TableName: deps.db.ordersTable,
        Key: orderKey(decision.orderId),
        UpdateExpression: `SET approval.#astatus = :expired, updatedAt = :at, ${appendJournalExpression}`,
        ConditionExpression: "approval.#astatus = :decided AND approval.taskToken = :token",
        ExpressionAttributeNames: { ...journalNames, "#astatus": "status" },
        ExpressionAttributeValues: {
          ...journalValues(entry),
          ":expired": "EXPIRED",
          ":decided": decision.status,
          ":token": decision.taskToken,
          ":at": at,
        },
      }),
    );
    return true;
  } catch (error) {
    // A redelivery after the first marked it: nothing left to do.
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
