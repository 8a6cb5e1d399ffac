import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { decideApproval, listPendingApprovals } from "@orders/core/approval";
import { appendToOrder, type JournalEntry } from "@orders/core/journal";
import {
  decodeCursor,
  encodeCursor,
  getOrder,
  getOrderDetails,
  indexes,
  OrderRecord,
  type OrdersDb,
} from "@orders/core/order";
import { notFound } from "../errors";
import type { ApprovalsPort, OrderFilter, OrdersPort } from "../ports";
import type { ApprovalView, OrderDetail, OrderSummary } from "../schemas";

// Orders and approvals through the pipeline's core module. The only query
// written here is the console's list with a date range, which core's list
// functions do not take: each GSI's sort key starts with an ISO timestamp, so
// a range is a BETWEEN on it (still one index partition, never a scan).

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

function partitionFor(filter: OrderFilter) {
  if (filter.status)
    return {
      index: indexes.byStatus,
      hash: "gsi1pk",
      sort: "gsi1sk",
      value: `STATUS#${filter.status}`,
    };
  if (filter.customerId)
    return {
      index: indexes.byCustomer,
      hash: "gsi2pk",
      sort: "gsi2sk",
      value: `CUSTOMER#${filter.customerId}`,
    };
  return {
    index: indexes.byCorrelation,
    hash: "gsi3pk",
    sort: undefined,
    value: `CORRELATION#${filter.correlationId}`,
  };
}

export function dynamoOrders(db: () => OrdersDb): OrdersPort {
  return {
    async list(filter) {
      const p = partitionFor(filter);
      const ranged = p.sort && (filter.from || filter.to);
      const page = await db().doc.send(
        new QueryCommand({
          TableName: db().ordersTable,
          IndexName: p.index,
          KeyConditionExpression: ranged ? "#h = :h AND #s BETWEEN :from AND :to" : "#h = :h",
          ExpressionAttributeNames: { "#h": p.hash, ...(ranged ? { "#s": p.sort! } : {}) },
          ExpressionAttributeValues: {
            ":h": p.value,
            ...(ranged
              ? { ":from": filter.from ?? "0000", ":to": `${filter.to ?? "9999"}\uffff` }
              : {}),
          },
          ScanIndexForward: false,
          Limit: filter.limit,
          ExclusiveStartKey: decodeCursor(filter.nextToken),
        }),
      );
      return {
        items: (page.Items ?? []).map((item) => summary(OrderRecord.parse(item))),
        nextToken: encodeCursor(page.LastEvaluatedKey),
      };
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
      // Decided approvals sit on orders that moved on: APPROVED, then FULFILLED
      // or CANCELLED. Newest first within each partition, merged by decision time.
      const pages = await Promise.all(
        (["APPROVED", "FULFILLED", "CANCELLED", "AWAITING_APPROVAL"] as const).map((status) =>
          deps.db().doc.send(
            new QueryCommand({
              TableName: deps.db().ordersTable,
              IndexName: indexes.byStatus,
              KeyConditionExpression: "gsi1pk = :pk",
              FilterExpression: "attribute_exists(approval) AND approval.#s <> :pending",
              ExpressionAttributeNames: { "#s": "status" },
              ExpressionAttributeValues: { ":pk": `STATUS#${status}`, ":pending": "PENDING" },
              ScanIndexForward: false,
              Limit: 200,
            }),
          ),
        ),
      );
      return pages
        .flatMap((page) => page.Items ?? [])
        .map((item) => approvalView(OrderRecord.parse(item)))
        .sort((a, b) => (b.decidedAt ?? b.deadline).localeCompare(a.decidedAt ?? a.deadline))
        .slice(0, limit);
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
