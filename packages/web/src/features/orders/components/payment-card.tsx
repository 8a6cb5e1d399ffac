import { Card } from "../../../components/card";
import { StatusBadge } from "../../../components/status-badge";
import type { OrderDetail } from "../../../lib/admin-types";
import { Timeline } from "./timeline";

/** The payment's state and its ledger (authorise, capture, void, refund). */
export function PaymentCard({ payment, ledger }: Pick<OrderDetail, "payment" | "ledger">) {
  return (
    <Card title="Payment and ledger">
      {payment ? (
        <p>
          <StatusBadge status={String(payment.status)} />{" "}
          {payment.authorizationId ? (
            <code className="small">{String(payment.authorizationId)}</code>
          ) : null}
          {payment.declineCode ? (
            <span className="small"> declined: {String(payment.declineCode)}</span>
          ) : null}
        </p>
      ) : (
        <p className="muted">No payment yet.</p>
      )}
      {ledger.length ? <Timeline entries={ledger} compact /> : null}
    </Card>
  );
}
