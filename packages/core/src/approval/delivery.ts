import type { OrdersDb } from "../order/repository";
import { executionHistory, type Sfn, sendDecision } from "./callbacks";
import { saveExpired } from "./repository";
import { approvalTimedOut, expiredEntry } from "./rules";
import type { DecisionToDeliver, DeliveryOutcome } from "./schema";

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

/** What Step Functions answers for a task token it will no longer accept. */
const closedTaskErrors = new Set(["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"]);

export interface DeliverDeps {
  db: OrdersDb;
  sfn: Sfn;
  now?: () => Date;
}

export async function deliverDecision(
  deps: DeliverDeps,
  decision: DecisionToDeliver,
): Promise<DeliveryOutcome> {
  try {
    await sendDecision(deps.sfn, decision);
    return { outcome: "delivered" };
  } catch (error) {
    const name = (error as { name?: string }).name ?? "";
    if (!closedTaskErrors.has(name)) throw error;
    if (!decision.executionArn)
      throw new Error(`order ${decision.orderId} has no execution to read the history of`);
    const history = await executionHistory(deps.sfn, decision.executionArn);
    if (!approvalTimedOut(history)) return { outcome: "already-closed", error: name };
    const at = (deps.now?.() ?? new Date()).toISOString();
    const marked = await saveExpired(deps.db, decision, expiredEntry(decision, at), at);
    return { outcome: "expired", error: name, marked };
  }
}
