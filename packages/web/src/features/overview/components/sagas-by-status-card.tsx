import { Link } from "react-router";
import { Card } from "../../../components/card";
import { ErrorState, Loading } from "../../../components/states";
import { StatusBadge } from "../../../components/status-badge";
import { useExecutionCounts } from "../api/get-execution-counts";
import { capped } from "../capped";

export function SagasByStatusCard() {
  const counts = useExecutionCounts();
  return (
    <Card
      title="Sagas by status"
      actions={
        <Link to="/ops/executions" className="small">
          All executions
        </Link>
      }
    >
      {counts.isPending ? (
        <Loading />
      ) : counts.isError ? (
        <ErrorState error={counts.error} retry={() => counts.refetch()} />
      ) : (
        <ul className="bars">
          {Object.entries(counts.data.counts).map(([status, n]) => (
            <li key={status}>
              <Link to={`/ops/executions?status=${status}`}>
                <StatusBadge status={status} />
              </Link>
              <span
                className="bar"
                style={{ inlineSize: `${Math.max(2, (n / counts.data.cap) * 100)}%` }}
                aria-hidden="true"
              />
              <span className="num">{capped(n, counts.data.cap)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
