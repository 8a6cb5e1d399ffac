import { Link } from "react-router";
import { Card } from "../../../components/card";
import { Sparkline } from "../../../components/sparkline";
import { ErrorState, Loading } from "../../../components/states";
import { useQueues } from "../../../lib/api/get-queues";
import { deadLetterCount } from "../../../lib/dead-letters";
import { queueAge } from "../../../lib/format";
import { useDepthHistory } from "../hooks/use-depth-history";

export function QueueDepthsCard() {
  const queues = useQueues();
  const history = useDepthHistory(queues.data?.queues, queues.dataUpdatedAt);
  return (
    <Card
      title="Queues"
      actions={
        <Link to="/ops/queues" className="small">
          All queues
        </Link>
      }
    >
      {queues.isPending ? (
        <Loading />
      ) : queues.isError ? (
        <ErrorState error={queues.error} retry={() => queues.refetch()} />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption className="sr-only">Queue depths with their trend</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" className="num">
                  Depth
                </th>
                <th scope="col" className="col-trend">
                  Trend
                </th>
                <th scope="col" className="num">
                  Oldest
                </th>
              </tr>
            </thead>
            <tbody>
              {queues.data.queues.map((q) => {
                const alert = q.kind === "dlq" && deadLetterCount(q) > 0;
                return (
                  <tr key={q.name} className={alert ? "row-alert" : ""}>
                    <th scope="row">
                      {q.name}
                      {q.kind === "dlq" ? <span className="muted small"> DLQ</span> : null}
                    </th>
                    <td className="num">
                      {q.visible}
                      {q.inFlight ? (
                        <span className="muted small in-flight"> +{q.inFlight} in flight</span>
                      ) : null}
                    </td>
                    <td className={`col-trend ${alert ? "trend-bad" : "trend"}`}>
                      <Sparkline
                        values={history.get(q.name) ?? []}
                        label={`${q.name} depth trend`}
                      />
                    </td>
                    <td className="num" title={q.oldestAgeError}>
                      {queueAge(q)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
