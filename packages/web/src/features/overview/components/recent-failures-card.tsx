import { Link } from "react-router";
import { Card } from "../../../components/card";
import { Empty, ErrorState, Loading } from "../../../components/states";
import { StatusBadge } from "../../../components/status-badge";
import { relative } from "../../../lib/format";
import { useNow } from "../../../lib/use-now";
import { useExecutionCounts } from "../api/get-execution-counts";

export function RecentFailuresCard() {
  const counts = useExecutionCounts();
  const now = useNow(5_000);
  return (
    <Card title="Recent failures">
      {counts.isPending ? (
        <Loading />
      ) : counts.isError ? (
        <ErrorState error={counts.error} />
      ) : counts.data.recentFailures.length === 0 ? (
        <Empty title="No failed sagas" />
      ) : (
        <ul className="link-list">
          {counts.data.recentFailures.map((e) => (
            <li key={e.executionArn}>
              <Link to={`/ops/executions/${encodeURIComponent(e.executionArn)}`}>{e.name}</Link>{" "}
              <StatusBadge status={e.status} />{" "}
              <span className="muted small">{relative(e.stopDate ?? e.startDate, now)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
