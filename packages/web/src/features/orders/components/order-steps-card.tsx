import { Card } from "../../../components/card";
import { StatusBadge } from "../../../components/status-badge";
import type { OrderDetail } from "../../../lib/admin-types";
import { dateTime } from "../../../lib/format";

/** "ord_…:status:FULFILLED#sms" → "FULFILLED · sms" (the key without the order id). */
const notificationLabel = (orderId: string, key: string) => {
  const [what = key, channel] = key.replace(`${orderId}:`, "").split("#");
  const label = what.replace(/^status:/, "").replace(/^placed$/, "ACCEPTED");
  return channel ? `${label} · ${channel}` : label;
};

/** The other steps' records: the reservation, the approval and what was sent. */
export function OrderStepsCard({ order }: { order: OrderDetail["order"] }) {
  return (
    <Card title="Reservation, approval, notifications">
      <dl className="kv">
        <dt>Reservation</dt>
        <dd>
          {order.reservation ? (
            <>
              <StatusBadge status={String(order.reservation.state)} />{" "}
              <code className="small truncate" title={String(order.reservation.reservationId)}>
                {String(order.reservation.reservationId)}
              </code>
            </>
          ) : (
            "none"
          )}
        </dd>
        <dt>Approval</dt>
        <dd>
          {order.approval ? (
            <>
              <StatusBadge status={String(order.approval.status)} /> deadline{" "}
              {dateTime(String(order.approval.deadline))}
              {order.approval.decidedBy ? ` · by ${String(order.approval.decidedBy)}` : ""}
              {order.approval.comment ? ` · “${String(order.approval.comment)}”` : ""}
            </>
          ) : (
            "not needed"
          )}
        </dd>
        <dt>Notifications</dt>
        <dd>
          {order.notifications.length ? (
            <ul className="link-list">
              {order.notifications.map((key) => (
                <li key={key} title={key}>
                  {notificationLabel(order.orderId, key)}
                </li>
              ))}
            </ul>
          ) : (
            "none sent"
          )}
        </dd>
      </dl>
    </Card>
  );
}
