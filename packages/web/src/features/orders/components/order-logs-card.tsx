import { useState } from "react";
import { Card } from "../../../components/card";
import { JsonBlock } from "../../../components/json-block";
import { Empty, ErrorState, Loading } from "../../../components/states";
import { time } from "../../../lib/format";
import { useOrderLogs } from "../api/get-order-logs";

export function OrderLogsCard({ orderId }: { orderId: string }) {
  const [wanted, setWanted] = useState(false);
  const logs = useOrderLogs(orderId, wanted);
  return (
    <Card
      title="Logs across every invocation"
      actions={
        <button
          type="button"
          className="btn"
          onClick={() => (wanted ? logs.refetch() : setWanted(true))}
        >
          {wanted ? "Refresh logs" : "Load logs"}
        </button>
      }
    >
      {!wanted ? (
        <p className="muted small">
          Queries every function's log lines carrying this order's correlation id.
        </p>
      ) : logs.isPending ? (
        <Loading label="Querying logs…" />
      ) : logs.isError ? (
        <ErrorState error={logs.error} retry={() => logs.refetch()} title="The logs query failed" />
      ) : logs.data.lines.length === 0 ? (
        <Empty title="No log lines found">
          Nothing logged with correlation id {logs.data.correlationId} yet.
        </Empty>
      ) : (
        <div className="table-scroll">
          <table className="table logs">
            <caption className="sr-only">Log lines</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Service</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.lines.map((l, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: an append-only list read once; lines may repeat verbatim
                <tr key={`${l.at}-${i}`} className={`log-${l.level.toLowerCase()}`}>
                  <td className="nowrap">{time(l.at)}</td>
                  <td>{l.level}</td>
                  <td>{l.service ?? "—"}</td>
                  <td>
                    <details>
                      <summary>{l.message}</summary>
                      <JsonBlock value={l.fields} label="Log line fields" />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
