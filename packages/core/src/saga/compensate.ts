import { z } from "zod";
import { type InventoryDb, releaseInventory } from "../inventory/repository";
import { getOrder } from "../order/repository";
import { type PaymentsDeps, voidPayment } from "../payment/payments";
import { sagaStatusEvent } from "../topology/resources";
import { cancelOrder } from "./steps";

// A saga that ends TIMED_OUT (its deadline), FAILED (an error no Catch takes,
// or CompensationFailed) or ABORTED (StopExecution) runs no Catch, so its
// compensations may not have run. Step Functions then emits "Step Functions
// Execution Status Change" to the default bus; the compensator does from that
// event what the compensations would have: void or refund, release, cancel —
// the saga's own steps, each idempotent on the order id, so a repeated event,
// a retried invocation or compensations that already ran change nothing.

/** The event as Step Functions emits it (only the fields the compensator reads). */
export const ExecutionStatusChange = z.object({
  source: z.literal(sagaStatusEvent.source),
  "detail-type": z.literal(sagaStatusEvent.detailType),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    status: z.string(),
    /** Absent (null) when input and output together pass 248 KB. */
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChange>;

/** What the saga started with: the OrderPlaced.v1 detail (the rule's InputPath). */
const SagaInput = z.object({ orderId: z.string().min(1), correlationId: z.string().min(1) });

/** The execution's input cannot be read: nothing says which order it was running. */
export class UnreadableExecutionInput extends Error {
  override name = "UnreadableExecutionInput" as const;
}

export type CompensationOutcome =
  /** Not an end without Catch (a rule that matched too much): nothing to do. */
  | { outcome: "ignored"; reason: string }
  | { outcome: "no-order"; orderId: string }
  /** Another execution owns the order (this one was a duplicate that never claimed it). */
  | { outcome: "not-this-execution"; orderId: string; owner: string }
  /** The order was fulfilled before the execution ended: nothing to undo. */
  | { outcome: "fulfilled"; orderId: string }
  | {
      outcome: "compensated";
      orderId: string;
      payment: string;
      released: boolean;
      cancelled: boolean;
    };

export interface CompensationDeps {
  payments: PaymentsDeps;
  inventory: InventoryDb;
  now?: () => Date;
}

export async function compensateEndedExecution(
  deps: CompensationDeps,
  event: ExecutionStatusChange,
): Promise<CompensationOutcome> {
  const { detail } = event;
  if (!(sagaStatusEvent.unfinishedStatuses as readonly string[]).includes(detail.status))
    return { outcome: "ignored", reason: `status ${detail.status}` };
  const parsed = SagaInput.safeParse(safeJson(detail.input));
  if (!parsed.success)
    throw new UnreadableExecutionInput(
      `execution ${detail.executionArn}: no orderId/correlationId in its input`,
    );
  const { orderId, correlationId } = parsed.data;
  const orders = { doc: deps.inventory.doc, ordersTable: deps.inventory.ordersTable };

  const order = await getOrder(orders, orderId);
  if (!order) return { outcome: "no-order", orderId };
  // An order no execution claimed belongs to whichever ended without claiming
  // it (it failed or timed out before its claim): nobody else will finish it.
  if (order.executionArn && order.executionArn !== detail.executionArn)
    return { outcome: "not-this-execution", orderId, owner: order.executionArn };
  if (order.status === "FULFILLED") return { outcome: "fulfilled", orderId };

  const step = {
    orderId,
    correlationId,
    executionArn: detail.executionArn,
    error: {
      Error: detail.error ?? errorOf(detail.status),
      Cause: detail.cause ?? `The saga's execution ended ${detail.status}; no Catch ran`,
    },
    ...(deps.now ? { now: deps.now } : {}),
  };
  // The saga's compensation order: void or refund, release, cancel.
  const payment = await voidPayment(deps.payments, step);
  const { released } = await releaseInventory(deps.inventory, step);
  const cancelled = await cancelOrder(orders, step, deps.now);
  return {
    outcome: "compensated",
    orderId,
    payment: payment.outcome,
    released,
    cancelled: cancelled.changed,
  };
}

/** The error an execution ends with when the event carries none (ABORTED without one). */
const errorOf = (status: string) =>
  status === "TIMED_OUT"
    ? "States.Timeout"
    : status === "ABORTED"
      ? "ExecutionAborted"
      : "ExecutionFailed";

function safeJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
