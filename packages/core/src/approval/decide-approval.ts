import { getOrder, type OrdersDb, type Page } from "../order/repository";
import { queryPendingApprovals, saveDecision, savePendingApproval } from "./repository";
import {
  decisionRefused,
  decisionWrite,
  pendingApproval,
  pendingApprovalOf,
  pendingNotRecorded,
} from "./rules";
import {
  ApprovalNotFound,
  type ApprovalRequest,
  DecideApprovalInput,
  type DecisionResult,
  type PendingApproval,
} from "./schema";

// Manual approval (seed §7.4). The saga's AwaitApproval task sends a message
// with a task token; the approvals worker stores it on the order (status
// AWAITING_APPROVAL, `approval.status` PENDING — listed through the byStatus
// index); an operator decides through the admin API, which calls
// `decideApproval`: a conditional PENDING → APPROVED/REJECTED write, which
// keeps the task token on the item. That write is the commit point: its stream
// record delivers the callback (./delivery.ts, the ApprovalCallbacks function),
// retried until the saga has it, the way OrderPlaced leaves through the
// stream. Deciding twice, or after the deadline, is an ApprovalConflict.

/** Approvals worker: store the pending approval. Idempotent on the task token. */
export async function recordPendingApproval(
  db: OrdersDb,
  request: ApprovalRequest,
  now: () => Date = () => new Date(),
): Promise<{ recorded: boolean; reason?: string }> {
  const at = now().toISOString();
  const { approval, entry } = pendingApproval(request, at);
  const result = await savePendingApproval(db, { orderId: request.orderId, approval, entry, at });
  if (result.written) return { recorded: true };
  const current = result.current ?? (await getOrder(db, request.orderId));
  return { recorded: false, reason: pendingNotRecorded(request, current) };
}

/** Pending approvals, oldest request (nearest deadline) first. No task tokens leave the table. */
export async function listPendingApprovals(
  db: OrdersDb,
  options: { limit?: number; nextToken?: string } = {},
): Promise<Page<PendingApproval>> {
  const page = await queryPendingApprovals(db, options);
  return { items: page.items.map(pendingApprovalOf), nextToken: page.nextToken };
}

export interface DecideDeps {
  db: OrdersDb;
  now?: () => Date;
}

/**
 * The admin API's approve/reject. Records the decision with a conditional
 * write (PENDING → APPROVED | REJECTED, before the deadline) and returns: the
 * saga resumes shortly after, when the write's stream record reaches
 * ApprovalCallbacks. Throws ApprovalNotFound (404) or ApprovalConflict (409).
 */
export async function decideApproval(
  deps: DecideDeps,
  input: DecideApprovalInput,
): Promise<DecisionResult> {
  const parsed = DecideApprovalInput.parse(input);
  const { orderId, decidedBy } = parsed;
  const at = (deps.now?.() ?? new Date()).toISOString();
  const order = await getOrder(deps.db, orderId);
  if (!order?.approval) throw new ApprovalNotFound(orderId);
  const { status, fields, entry } = decisionWrite(parsed, order.correlationId, at);
  const result = await saveDecision(deps.db, { orderId, status, fields, entry, at });
  if (!result.written) {
    const current = result.current ?? (await getOrder(deps.db, orderId));
    throw decisionRefused(orderId, current?.approval);
  }
  return { orderId, status, decidedBy, decidedAt: at };
}
