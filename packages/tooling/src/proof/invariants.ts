import { Delivery, impliedNotifications } from "@orders/core/notification";
import { orderOfMessage } from "@orders/core/ops";
import { OrderRecord } from "@orders/core/order";
import { Authorization, PaymentRecord } from "@orders/core/payment";

// The system's promises, checked against what is stored after a run: the
// orders table, the inventory, and the payment provider's own ledger (the
// provider's word, not ours), plus whatever sits in the dead-letter queues and,
// when given, the saga's executions. Pure: `checkInvariants` takes a snapshot
// (read by ./snapshot.ts) and returns every violation it finds, each naming
// the invariant, the order or SKU or message, and what was seen.

export const invariantNames = [
  /** Every accepted order ends FULFILLED or CANCELLED, or waits for an operator. */
  "order-settled",
  /** Initial stock = available + held reservations + shipped reservations, per SKU. */
  "stock-conserved",
  /** A reservation's state agrees with its order: shipped iff fulfilled, none held once cancelled. */
  "reservation-consistent",
  /** A FULFILLED order was captured exactly once for its total, never voided or refunded. */
  "fulfilled-charged-once",
  /** A CANCELLED order has no net charge and no live authorisation. */
  "cancelled-not-charged",
  /** One saga with effects per order: one execution bound, one authorisation in the ledger. */
  "single-saga",
  /**
   * An operator's decision reached its saga: an APPROVED (or REJECTED)
   * approval never ends with its order cancelled for an approval timeout
   * (States.Timeout). A wait that really timed out first ends EXPIRED.
   */
  "approval-delivered",
  /** The providers hold money movements and notifications only for orders we accepted. */
  "ledger-known-order",
  /**
   * Exactly one delivery in the notification provider's ledger per (order,
   * status, channel) the order's events implied, and none it did not imply.
   */
  "notified-once",
  /** Every dead letter maps to a known order, or is an expected poison message. */
  "dlq-accounted",
  /** Stored items parse with the domain's schemas. */
  "record-valid",
] as const;
export type InvariantName = (typeof invariantNames)[number];

export interface Violation {
  invariant: InvariantName;
  message: string;
  orderId?: string;
  sku?: string;
  queue?: string;
  messageId?: string;
  details?: Record<string, unknown>;
}

export interface DlqMessage {
  queue: string;
  messageId: string;
  body: string;
}

/** One saga execution: which order it ran for and which effectful states it entered. */
export interface SagaExecution {
  executionArn: string;
  orderId: string | undefined;
  status: string;
  /** Task states entered after ClaimOrder (reserve, capture, void, …): effects. */
  effectStates: string[];
}

export interface Snapshot {
  /** Raw META items of the orders table. */
  orders: Record<string, unknown>[];
  /** Raw PAYMENT items of the orders table. */
  payments: Record<string, unknown>[];
  /** SKU → available, from the inventory table. */
  stock: Record<string, number>;
  /** SKU → units on hand before the run (the seeded catalogue). */
  initialStock: Record<string, number>;
  /** Every authorisation the provider's ledger holds. */
  ledger: Record<string, unknown>[];
  dlqMessages: DlqMessage[];
  /** Absent: the execution check is skipped (and says so in the counts). */
  executions?: SagaExecution[];
  /** Every delivery the notification provider's ledger holds; absent: not checked. */
  notificationDeliveries?: Record<string, unknown>[];
  /** The requests it answered (counted, not checked: replays show duplicates it absorbed). */
  notificationRequests?: Record<string, unknown>[];
}

export interface CheckOptions {
  /** Accept orders still moving (ACCEPTED, PROCESSING, APPROVED): a mid-run check. */
  allowInFlight?: boolean;
  /** Dead letters we put there on purpose (poison messages of a soak). */
  isExpectedPoison?: (message: DlqMessage) => boolean;
  /** When set, a PENDING approval this far past its deadline is a lost timeout. */
  now?: Date;
  approvalGraceMs?: number;
}

export interface Report {
  ok: boolean;
  violations: Violation[];
  counts: Record<string, unknown>;
}

type Order = OrderRecord;
type Auth = Authorization;

const SAGA_EFFECT_FREE_STATES = new Set(["ClaimOrder"]);
export const isSagaEffectState = (name: string) => !SAGA_EFFECT_FREE_STATES.has(name);

export function checkInvariants(snapshot: Snapshot, options: CheckOptions = {}): Report {
  const violations: Violation[] = [];
  const flag = (v: Violation) => violations.push(v);

  // ─── Parse what is stored ──────────────────────────────────────────────────
  const orders = new Map<string, Order>();
  for (const raw of snapshot.orders) {
    const parsed = OrderRecord.safeParse(raw);
    if (parsed.success) orders.set(parsed.data.orderId, parsed.data);
    else
      flag({
        invariant: "record-valid",
        orderId: String(raw.orderId ?? raw.pk),
        message: "order item does not match the order schema",
        details: { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`) },
      });
  }
  const payments = new Map<string, PaymentRecord>();
  for (const raw of snapshot.payments) {
    const parsed = PaymentRecord.safeParse(raw);
    if (parsed.success) payments.set(parsed.data.orderId, parsed.data);
    else
      flag({
        invariant: "record-valid",
        orderId: String(raw.orderId ?? raw.pk),
        message: "payment item does not match the payment schema",
      });
  }
  const ledgerByOrder = new Map<string, Auth[]>();
  for (const raw of snapshot.ledger) {
    const parsed = Authorization.safeParse(raw);
    if (!parsed.success) {
      flag({
        invariant: "record-valid",
        orderId: String(raw.orderId ?? raw.pk),
        message: "ledger authorisation does not match the provider's schema",
      });
      continue;
    }
    const list = ledgerByOrder.get(parsed.data.orderId) ?? [];
    list.push(parsed.data);
    ledgerByOrder.set(parsed.data.orderId, list);
  }

  // ─── Orders settle ─────────────────────────────────────────────────────────
  const byStatus: Record<string, number> = {};
  let pendingApprovals = 0;
  for (const order of orders.values()) {
    byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
    if (order.status === "FULFILLED" || order.status === "CANCELLED") continue;
    const pending = order.status === "AWAITING_APPROVAL" && order.approval?.status === "PENDING";
    if (pending) {
      pendingApprovals++;
      const grace = options.approvalGraceMs ?? 60_000;
      const deadline = Date.parse(order.approval!.deadline);
      if (options.now && !options.allowInFlight && options.now.getTime() > deadline + grace) {
        flag({
          invariant: "order-settled",
          orderId: order.orderId,
          message: `approval still PENDING ${Math.round((options.now.getTime() - deadline) / 1000)} s after its deadline: the saga's timeout was lost`,
          details: { deadline: order.approval!.deadline },
        });
      }
      continue;
    }
    if (options.allowInFlight) continue;
    flag({
      invariant: "order-settled",
      orderId: order.orderId,
      message: `order is ${order.status}, neither terminal nor waiting for an operator`,
      details: { status: order.status, updatedAt: order.updatedAt },
    });
  }

  // ─── Stock ─────────────────────────────────────────────────────────────────
  const held: Record<string, number> = {};
  const shipped: Record<string, number> = {};
  for (const order of orders.values()) {
    const r = order.reservation;
    if (r) {
      const into = r.state === "HELD" ? held : r.state === "SHIPPED" ? shipped : undefined;
      for (const line of into ? r.lines : [])
        into![line.sku] = (into![line.sku] ?? 0) + line.quantity;
    }
    if (order.status === "FULFILLED" && r?.state !== "SHIPPED") {
      flag({
        invariant: "reservation-consistent",
        orderId: order.orderId,
        message: `FULFILLED order's reservation is ${r?.state ?? "missing"}, not SHIPPED`,
      });
    }
    if (order.status !== "FULFILLED" && r?.state === "SHIPPED") {
      flag({
        invariant: "reservation-consistent",
        orderId: order.orderId,
        message: `reservation SHIPPED for an order that is ${order.status}`,
      });
    }
    if (order.status === "CANCELLED" && r?.state === "HELD") {
      flag({
        invariant: "reservation-consistent",
        orderId: order.orderId,
        message: "CANCELLED order still holds its reservation",
        details: { lines: r.lines },
      });
    }
  }
  const skus = new Set([...Object.keys(snapshot.initialStock), ...Object.keys(snapshot.stock)]);
  for (const sku of [...skus].sort()) {
    const initial = snapshot.initialStock[sku];
    const available = snapshot.stock[sku];
    const accounted = (available ?? 0) + (held[sku] ?? 0) + (shipped[sku] ?? 0);
    if (
      initial === undefined ||
      available === undefined ||
      initial !== accounted ||
      available < 0
    ) {
      flag({
        invariant: "stock-conserved",
        sku,
        message:
          initial === undefined
            ? `${sku} is in the inventory but not in the initial catalogue`
            : available === undefined
              ? `${sku} is missing from the inventory`
              : available < 0
                ? `${sku} oversold: available is ${available}`
                : `${sku}: initial ${initial} ≠ available ${available} + held ${held[sku] ?? 0} + shipped ${shipped[sku] ?? 0} (= ${accounted})`,
        details: { initial, available, held: held[sku] ?? 0, shipped: shipped[sku] ?? 0 },
      });
    }
  }

  // ─── Money, per the provider's ledger ──────────────────────────────────────
  const net = (auths: Auth[]) => auths.reduce((s, a) => s + a.capturedCents - a.refundedCents, 0);
  const ops = (auths: Auth[], op: string) =>
    auths.flatMap((a) => a.history).filter((h) => h.operation === op).length;
  let captures = 0;
  let refunds = 0;
  let voids = 0;
  let declines = 0;
  let authorisations = 0;
  for (const [orderId, auths] of ledgerByOrder) {
    authorisations += auths.length;
    captures += ops(auths, "capture");
    refunds += ops(auths, "refund");
    voids += ops(auths, "void");
    declines += auths.filter((a) => a.status === "declined").length;
    if (!orders.has(orderId)) {
      flag({
        invariant: "ledger-known-order",
        orderId,
        message: `the provider holds ${auths.length} authorisation(s) for an order we never accepted`,
        details: { net: net(auths) },
      });
    }
    if (auths.length > 1) {
      flag({
        invariant: "single-saga",
        orderId,
        message: `the provider holds ${auths.length} authorisations for one order`,
        details: { authorizations: auths.map((a) => ({ id: a.id, status: a.status })) },
      });
    }
  }
  for (const order of orders.values()) {
    const auths = ledgerByOrder.get(order.orderId) ?? [];
    if (order.status === "FULFILLED") {
      const captured = auths.filter((a) => a.history.some((h) => h.operation === "capture"));
      const undone = ops(auths, "void") + ops(auths, "refund");
      if (
        captured.length !== 1 ||
        ops(auths, "capture") !== 1 ||
        undone > 0 ||
        net(auths) !== order.totalCents
      ) {
        flag({
          invariant: "fulfilled-charged-once",
          orderId: order.orderId,
          message: `FULFILLED order: ${ops(auths, "capture")} capture(s), ${undone} void/refund(s), net ${net(auths)} of ${order.totalCents} cents`,
          details: { authorizations: auths.map((a) => ({ id: a.id, status: a.status })) },
        });
      }
      const payment = payments.get(order.orderId);
      if (payment?.status !== "CAPTURED") {
        flag({
          invariant: "fulfilled-charged-once",
          orderId: order.orderId,
          message: `FULFILLED order's PAYMENT item is ${payment?.status ?? "missing"}, not CAPTURED`,
        });
      }
    }
    if (order.status === "CANCELLED") {
      const live = auths.filter((a) => a.status === "authorized" || a.status === "captured");
      if (net(auths) !== 0 || live.length > 0) {
        flag({
          invariant: "cancelled-not-charged",
          orderId: order.orderId,
          message: `CANCELLED order: net charge ${net(auths)} cents, ${live.length} live authorisation(s)`,
          details: { authorizations: auths.map((a) => ({ id: a.id, status: a.status })) },
        });
      }
    }
  }

  // ─── One saga per order ────────────────────────────────────────────────────
  for (const order of orders.values()) {
    const started = new Set(
      order.journal
        .filter((e) => e.kind === "SAGA_STARTED")
        .map((e) => String(e.data?.executionArn ?? "?")),
    );
    if (started.size > 1) {
      flag({
        invariant: "single-saga",
        orderId: order.orderId,
        message: `${started.size} sagas started on this order`,
        details: { executions: [...started] },
      });
    }
    if (order.status !== "ACCEPTED" && !order.executionArn) {
      flag({
        invariant: "single-saga",
        orderId: order.orderId,
        message: `order is ${order.status} but no execution is bound to it`,
      });
    }
  }
  let duplicateExecutions = 0;
  for (const execution of snapshot.executions ?? []) {
    if (!execution.orderId) continue;
    const order = orders.get(execution.orderId);
    if (order?.executionArn === execution.executionArn) continue;
    duplicateExecutions++;
    if (execution.effectStates.length > 0) {
      flag({
        invariant: "single-saga",
        orderId: execution.orderId,
        message: `execution ${execution.executionArn} is not the one bound to the order but entered ${execution.effectStates.join(", ")}`,
        details: { bound: order?.executionArn, status: execution.status },
      });
    }
  }

  // ─── Notifications, per the provider's ledger ──────────────────────────────
  let notificationsDelivered = 0;
  if (snapshot.notificationDeliveries) {
    // (order, status, channel) → deliveries, from the provider's word.
    const delivered = new Map<string, string[]>();
    const triple = (orderId: string, status: string, channel: string) =>
      `${orderId} ${status} ${channel}`;
    for (const raw of snapshot.notificationDeliveries) {
      const parsed = Delivery.safeParse(raw);
      if (!parsed.success) {
        flag({
          invariant: "record-valid",
          orderId: String(raw.reference ?? raw.pk),
          message: "notification delivery does not match the provider's schema",
        });
        continue;
      }
      const d = parsed.data;
      const key = triple(d.reference, d.metadata?.status ?? "?", d.channel);
      delivered.set(key, [...(delivered.get(key) ?? []), d.id]);
      notificationsDelivered++;
    }
    const implied = new Set<string>();
    for (const order of orders.values()) {
      for (const n of impliedNotifications(order)) {
        const key = triple(order.orderId, n.status, n.channel);
        implied.add(key);
        const ids = delivered.get(key) ?? [];
        if (ids.length === 1 || (ids.length === 0 && options.allowInFlight)) continue;
        flag({
          invariant: "notified-once",
          orderId: order.orderId,
          message: `${n.status} by ${n.channel}: ${ids.length} deliveries, expected exactly one`,
          details: { deliveries: ids },
        });
      }
    }
    // Orders stored but unreadable are reported as such (record-valid), not again here.
    const stored = new Set(snapshot.orders.map((o) => String(o.orderId)));
    for (const [key, ids] of delivered) {
      if (implied.has(key)) continue;
      const [orderId = "?", status, channel] = key.split(" ");
      if (orders.has(orderId))
        flag({
          invariant: "notified-once",
          orderId,
          message: `${status} by ${channel} was delivered, but the order's events never implied it`,
          details: { deliveries: ids },
        });
      else if (!stored.has(orderId))
        flag({
          invariant: "ledger-known-order",
          orderId,
          message: `the notification provider delivered ${ids.length} ${status} ${channel} message(s) for an order we never accepted`,
          details: { deliveries: ids },
        });
    }
  }

  // ─── Operators' decisions reach their sagas ────────────────────────────────
  for (const order of orders.values()) {
    const decision = order.approval?.status;
    if (
      order.status === "CANCELLED" &&
      (decision === "APPROVED" || decision === "REJECTED") &&
      order.cancellation?.error === "States.Timeout"
    ) {
      flag({
        invariant: "approval-delivered",
        orderId: order.orderId,
        message: `approval ${decision} by ${order.approval?.decidedBy ?? "?"} at ${order.approval?.decidedAt ?? "?"}, yet the order was cancelled for an approval timeout: the decision never reached the saga`,
        details: { deadline: order.approval?.deadline, cancellation: order.cancellation },
      });
    }
  }

  // ─── Dead letters ──────────────────────────────────────────────────────────
  const dlqByQueue: Record<string, number> = {};
  let poison = 0;
  for (const message of snapshot.dlqMessages) {
    dlqByQueue[message.queue] = (dlqByQueue[message.queue] ?? 0) + 1;
    if (options.isExpectedPoison?.(message)) {
      poison++;
      continue;
    }
    const ref = orderOfMessage(message.body);
    if (ref && orders.has(ref.orderId)) continue;
    flag({
      invariant: "dlq-accounted",
      queue: message.queue,
      messageId: message.messageId,
      ...(ref ? { orderId: ref.orderId } : {}),
      message: ref
        ? `dead letter in ${message.queue} names order ${ref.orderId}, which does not exist`
        : `dead letter in ${message.queue} names no order`,
      details: { body: message.body.slice(0, 300) },
    });
  }

  return {
    ok: violations.length === 0,
    violations,
    counts: {
      orders: orders.size,
      byStatus,
      pendingApprovals,
      skus: skus.size,
      ledger: { authorisations, captures, voids, refunds, declines },
      dlq: { total: snapshot.dlqMessages.length, expectedPoison: poison, byQueue: dlqByQueue },
      notifications:
        snapshot.notificationDeliveries === undefined
          ? "not checked"
          : {
              delivered: notificationsDelivered,
              requests: countBy(snapshot.notificationRequests ?? [], (r) => String(r.outcome)),
            },
      executions:
        snapshot.executions === undefined
          ? "not checked"
          : { total: snapshot.executions.length, duplicates: duplicateExecutions },
      violationsByInvariant: Object.fromEntries(
        invariantNames
          .map((name) => [name, violations.filter((v) => v.invariant === name).length] as const)
          .filter(([, n]) => n > 0),
      ),
    },
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
