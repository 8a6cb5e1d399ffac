import { Link } from "react-router";
import { Card } from "../../../components/card";
import { Empty, ErrorState, Loading } from "../../../components/states";
import { useApprovals } from "../../../lib/api/list-approvals";
import { countdown, money, shortId } from "../../../lib/format";
import { useNow } from "../../../lib/use-now";

export function WaitingApprovalsCard() {
  const approvals = useApprovals("pending");
  const now = useNow(5_000);
  return (
    <Card
      title="Waiting for approval"
      actions={
        <Link to="/ops/approvals" className="small">
          Inbox
        </Link>
      }
    >
      {approvals.isPending ? (
        <Loading />
      ) : approvals.isError ? (
        <ErrorState error={approvals.error} retry={() => approvals.refetch()} />
      ) : approvals.data.items.length === 0 ? (
        <Empty title="Nothing waiting" />
      ) : (
        <ul className="link-list">
          {approvals.data.items.slice(0, 5).map((a) => (
            <li key={a.orderId}>
              <Link to={`/ops/orders/${a.orderId}`}>{shortId(a.orderId)}</Link>{" "}
              {money(a.amountCents, a.currency)}{" "}
              <span className="muted small">{countdown(a.deadline, now)} left</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
