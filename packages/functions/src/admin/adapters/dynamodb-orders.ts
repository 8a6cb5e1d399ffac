import { decideApproval, listPendingApprovals, queryDecidedApprovals } from "@orders/core/approval";
import { appendToOrder, type JournalEntry } from "@orders/core/journal";
import {
  getOrder,
  getOrderDetails,
  listOrders,
  type OrderRecord,
  type OrdersDb,
} from "@orders/core/order";
import { notFound } from "../errors";
import type { ApprovalsPort, OrdersPort } from "../ports";
import type { ApprovalView, OrderDetail, OrderSummary } from "../schemas";

// The admin API's orders and approvals ports over core's order and approval
// modules: the queries live in their repositories; this maps records to the
// API's views (no task token leaves).

const summary = (order: OrderRecord): OrderSummary => ({
  orderId: order.orderId,
  customerId: order.customerId,
  correlationId: order.correlationId,
  status: order.status,
  totalCents: order.totalCents,
  currency: order.currency,
  flagged: order.flagged,
  createdAt: order.createdAt,
  statusChangedAt: order.statusChangedAt,
});

export function dynamoOrders(db: () => OrdersDb): OrdersPort {
  return {
    async list(filter) {
      const page = await listOrders(db(), filter);
      return { items: page.items.map(summary), nextToken: page.nextToken };
    },

    async detail(orderId): Promise<OrderDetail | undefined> {
      const details = await getOrderDetails(db(), orderId);
      if (!details) return undefined;
      const { order, payment } = details;
      const { taskToken: _token, ...approval } = order.approval ?? ({} as Record<string, unknown>);
      const paymentJournal = Array.isArray(payment?.journal)
        ? (payment.journal as JournalEntry[])
        : [];
      return {
        order: {
          ...summary(order),
          lines: order.lines,
          reviewReason: order.reviewReason,
          executionArn: order.executionArn ?? null,
          reservation: order.reservation ?? null,
          approval: order.approval ? approval : null,
          cancellation: order.cancellation ?? null,
          notifications: order.notifications ?? [],
        },
        payment: payment
          ? Object.fromEntries(
              Object.entries(payment).filter(([k]) => k !== "journal" && !k.startsWith("gsi")),
            )
          : null,
        timeline: details.timeline,
        ledger: paymentJournal,
      };
    },

    async journal(orderId, entry) {
      await appendToOrder(db(), orderId, entry);
    },
  };
}

const approvalView = (order: OrderRecord): ApprovalView => {
  const approval = order.approval!;
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    correlationId: order.correlationId,
    orderStatus: order.status,
    status: approval.status,
    reason: approval.reason,
    amountCents: approval.amountCents,
    currency: approval.currency,
    requestedAt: approval.requestedAt,
    deadline: approval.deadline,
    decidedBy: approval.decidedBy ?? null,
    decidedAt: approval.decidedAt ?? null,
    comment: approval.comment ?? null,
  };
};

export function dynamoApprovals(deps: { db: () => OrdersDb }): ApprovalsPort {
  return {
    async pending() {
      const items: ApprovalView[] = [];
      let nextToken: string | undefined;
      do {
        const page = await listPendingApprovals(deps.db(), { limit: 100, nextToken });
        items.push(
          ...page.items.map((p) => ({
            orderId: p.orderId,
            customerId: p.customerId,
            correlationId: p.correlationId,
            orderStatus: "AWAITING_APPROVAL" as const,
            status: "PENDING" as const,
            reason: p.reason,
            amountCents: p.amountCents,
            currency: p.currency,
            requestedAt: p.requestedAt,
            deadline: p.deadline,
            decidedBy: null,
            decidedAt: null,
            comment: null,
          })),
        );
        nextToken = page.nextToken;
      } while (nextToken && items.length < 500);
      return items;
    },

    async history(limit) {
      return (await queryDecidedApprovals(deps.db(), limit)).map(approvalView);
    },

    async decide({ orderId, decision, comment, operator }) {
      // Saved is answered: the decision reaches the saga from its stream record
      // (ApprovalCallbacks), retried until the saga has it.
      await decideApproval(
        { db: deps.db() },
        { orderId, decision, decidedBy: operator, ...(comment ? { comment } : {}) },
      );
      const order = await getOrder(deps.db(), orderId);
      if (!order?.approval) throw notFound(`Approval for ${orderId}`);
      return approvalView(order);
    },
  };
}
