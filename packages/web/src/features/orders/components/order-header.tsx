import { PageHeader } from "../../../components/page-header";
import { StatusBadge } from "../../../components/status-badge";
import type { OrderDetail } from "../../../lib/admin-types";
import { money } from "../../../lib/format";

/** Who and how much, its status, and why it was flagged or cancelled. */
export function OrderHeader({ order }: { order: OrderDetail["order"] }) {
  return (
    <>
      <PageHeader
        title={`Order ${order.orderId.slice(0, 14)}…`}
        description={
          <>
            {money(order.totalCents, order.currency)} · customer <code>{order.customerId}</code> ·
            correlation <code>{order.correlationId}</code>
          </>
        }
        actions={
          <>
            {order.flagged ? <span className="badge badge-warn">flagged</span> : null}
            <StatusBadge status={order.status} />
          </>
        }
      />
      {order.reviewReason ? <p className="note note-warn">Review: {order.reviewReason}</p> : null}
      {order.cancellation ? (
        <p className="note note-bad">
          Cancelled: <code>{String(order.cancellation.error)}</code>{" "}
          {String(order.cancellation.cause ?? "")}
        </p>
      ) : null}
    </>
  );
}
