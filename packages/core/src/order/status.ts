import { z } from "zod";

// The order's lifecycle. A status only moves forward along these edges; every
// write that changes it is conditioned on the allowed predecessors, so retries,
// duplicates and races can repeat a transition but never regress one.
//
//   ACCEPTED → PROCESSING → [AWAITING_APPROVAL → APPROVED] → FULFILLED
//        any non-terminal status → CANCELLED

export const orderStatuses = [
  "ACCEPTED",
  "PROCESSING",
  "AWAITING_APPROVAL",
  "APPROVED",
  "FULFILLED",
  "CANCELLED",
] as const;
export const OrderStatus = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatus>;

const predecessors: Record<OrderStatus, readonly OrderStatus[]> = {
  ACCEPTED: [],
  PROCESSING: ["ACCEPTED"],
  AWAITING_APPROVAL: ["PROCESSING"],
  APPROVED: ["AWAITING_APPROVAL"],
  FULFILLED: ["PROCESSING", "APPROVED"],
  CANCELLED: ["ACCEPTED", "PROCESSING", "AWAITING_APPROVAL", "APPROVED"],
};

export const terminalStatuses: readonly OrderStatus[] = ["FULFILLED", "CANCELLED"];
export const isTerminal = (status: OrderStatus) => terminalStatuses.includes(status);

/** Statuses from which `to` may be entered. */
export const allowedPredecessors = (to: OrderStatus): readonly OrderStatus[] => predecessors[to];

export const canTransition = (from: OrderStatus, to: OrderStatus) =>
  predecessors[to].includes(from);

/**
 * A ConditionExpression fragment guarding a move to `to`, with its values.
 * `#status` must map to "status".
 */
export function statusGuard(to: OrderStatus, prefix = ":from") {
  const from = allowedPredecessors(to);
  if (from.length === 0) throw new Error(`no transition leads to ${to}`);
  const values = Object.fromEntries(from.map((status, i) => [`${prefix}${i}`, status]));
  return {
    expression: `#status IN (${Object.keys(values).join(", ")})`,
    values,
  };
}
