import { Card } from "../../../components/card";
import { Empty, ErrorState, Loading } from "../../../components/states";
import { StatusBadge } from "../../../components/status-badge";
import { dateTime } from "../../../lib/format";
import { useReplays } from "../api/list-replays";

export function RecentReplaysCard() {
  const replays = useReplays();
  return (
    <Card title="Recent replays">
      {replays.isPending ? (
        <Loading label="Loading replays…" />
      ) : replays.isError ? (
        <ErrorState
          error={replays.error}
          retry={() => replays.refetch()}
          title="Could not list replays"
        />
      ) : replays.data.replays.length === 0 ? (
        <Empty title="No replays yet" />
      ) : (
        <ul className="link-list">
          {replays.data.replays.slice(0, 8).map((r) => (
            <li key={r.name}>
              <code>{r.name}</code> <StatusBadge status={r.state} />
              <div className="muted small">
                events {dateTime(r.from)} → {dateTime(r.to)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
