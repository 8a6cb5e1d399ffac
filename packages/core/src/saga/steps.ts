import { z } from "zod";
import { reservationLines } from "../inventory/repository";
import { journalEntry } from "../journal";
import { getOrder, type OrdersDb, transitionOrder } from "../order/repository";
import { type OrderRecord, Reservation } from "../order/schema";
import { InvalidOrderState, OrderNotFound } from "./errors";

// The saga's own steps on the order (claim, complete, cancel). Each is a
// status-guarded conditional write, so Step Functions may retry any of them
// and a duplicated execution cannot act on an order it does not own.

/** What every Lambda step receives (fulfillment-saga.asl.json Payload). */
export const StepInput = z.object({
  orderId: z.string().min(1),
  correlationId: z.string().min(1),
  executionArn: z.string().min(1),
  /**
   * The order's lines, as the claim read them (its write returns the item):
   * the reservation needs nothing else from the order, so it need not re-read it.
   */
  lines: Reservation.shape.lines.min(1).optional(),
  /** Compensations get the caught error: { Error, Cause }. */
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).partial().optional(),
});
export type StepInput = z.infer<typeof StepInput>;

const nowIso = (now?: () => Date) => (now?.() ?? new Date()).toISOString();

/** What the claim hands the rest of the saga: empty lines when not claimed. */
export interface Claim {
  claimed: boolean;
  lines: Reservation["lines"];
}

/**
 * Bind the order to this execution. A replayed or duplicated OrderPlaced
 * starts a second execution (EventBridge cannot name it); that one gets
 * `claimed: false` and ends without effects.
 */
export async function claimOrder(db: OrdersDb, input: StepInput, now?: () => Date): Promise<Claim> {
  const at = nowIso(now);
  const result = await transitionOrder(db, {
    orderId: input.orderId,
    to: "PROCESSING",
    at,
    set: { executionArn: input.executionArn },
    condition: { expression: "attribute_not_exists(executionArn)" },
    entry: [
      journalEntry({
        at,
        kind: "ROUTED",
        message: "OrderPlaced.v1 routed from the bus to the fulfilment saga",
        correlationId: input.correlationId,
        actor: "saga:claim-order",
      }),
      journalEntry({
        at,
        kind: "SAGA_STARTED",
        message: "Fulfilment saga started",
        correlationId: input.correlationId,
        actor: "saga:claim-order",
        data: { executionArn: input.executionArn },
      }),
    ],
  });
  if (result.changed) return { claimed: true, lines: reservationLines(result.order) };
  const current = result.current ?? (await getOrder(db, input.orderId));
  if (!current) throw new OrderNotFound(`order ${input.orderId} does not exist`);
  // Our own earlier attempt already claimed it (a retried step).
  return current.executionArn === input.executionArn
    ? { claimed: true, lines: reservationLines(current) }
    : { claimed: false, lines: [] };
}

/** Mark FULFILLED and ship the reservation: the order's stock leaves for good. */
export async function completeOrder(
  db: OrdersDb,
  input: StepInput,
  now?: () => Date,
): Promise<{ status: "FULFILLED"; changed: boolean }> {
  const at = nowIso(now);
  const result = await transitionOrder(db, {
    orderId: input.orderId,
    to: "FULFILLED",
    at,
    set: { "reservation.state": "SHIPPED" },
    condition: {
      expression: "executionArn = :execution AND reservation.#rstate = :held",
      names: { "#rstate": "state" },
      values: { ":execution": input.executionArn, ":held": "HELD" },
    },
    entry: journalEntry({
      at,
      kind: "FULFILLED",
      message: "Order fulfilled: payment captured, reservation shipped",
      correlationId: input.correlationId,
      actor: "saga:complete-order",
    }),
  });
  if (result.changed) return { status: "FULFILLED", changed: true };
  const current = result.current ?? (await getOrder(db, input.orderId));
  if (current?.status === "FULFILLED") return { status: "FULFILLED", changed: false };
  throw new InvalidOrderState(describe("complete", current));
}

/**
 * Compensation's last step: CANCELLED, with the reason. A no-op on an order
 * already cancelled; a fulfilled order is never cancelled. When the approval
 * wait timed out, the pending approval ends EXPIRED in the same write.
 */
export async function cancelOrder(
  db: OrdersDb,
  input: StepInput,
  now?: () => Date,
): Promise<{ status: OrderRecord["status"]; changed: boolean }> {
  const at = nowIso(now);
  const error = input.error?.Error ?? "Cancelled";
  const cause = summariseCause(input.error?.Cause);
  const order = await getOrder(db, input.orderId);
  if (!order) throw new OrderNotFound(`order ${input.orderId} does not exist`);
  if (order.status === "CANCELLED" || order.status === "FULFILLED") {
    return { status: order.status, changed: false };
  }
  const expired = order.approval?.status === "PENDING" && error === "States.Timeout";
  const result = await transitionOrder(db, {
    orderId: input.orderId,
    to: "CANCELLED",
    at,
    set: {
      cancellation: cause ? { error, cause } : { error },
      ...(expired ? { "approval.status": "EXPIRED" } : {}),
    },
    entry: journalEntry({
      at,
      kind: "CANCELLED",
      message: `Order cancelled: ${error}${cause ? ` (${cause})` : ""}`,
      correlationId: input.correlationId,
      actor: "saga:cancel-order",
      data: { error, ...(expired ? { approval: "EXPIRED" } : {}) },
    }),
  });
  if (result.changed) return { status: "CANCELLED", changed: true };
  const current = result.current ?? (await getOrder(db, input.orderId));
  if (current?.status === "CANCELLED" || current?.status === "FULFILLED") {
    return { status: current.status, changed: false };
  }
  throw new InvalidOrderState(describe("cancel", current));
}

const describe = (action: string, order: OrderRecord | undefined) =>
  order ? `cannot ${action} order ${order.orderId} in ${order.status}` : `order does not exist`;

/** Step Functions' Cause is often a JSON document from Lambda; keep its message. */
export function summariseCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (typeof parsed.errorMessage === "string") return parsed.errorMessage.slice(0, 500);
  } catch {
    // not JSON: use as is
  }
  return cause.slice(0, 500);
}
