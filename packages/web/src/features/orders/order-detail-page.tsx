import { useState } from "react";
import { Link, useParams } from "react-router";
import type { JournalEntryView, OrderDetail } from "../../lib/admin-types";
import { isApiError } from "../../lib/api-client";
import { dateTime, money, time } from "../../lib/format";
import { SagaGraph } from "../../lib/saga-graph/saga-graph";
import { Card, Empty, ErrorState, JsonBlock, Loading, PageHeader, StatusBadge } from "../../lib/ui";
import { useOrder } from "./api/get-order";
import { useOrderExecution } from "./api/get-order-execution";
import { useOrderLogs } from "./api/get-order-logs";

export function OrderDetailPage() {
  const { orderId = "" } = useParams();
  const order = useOrder(orderId);
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) {
    return (
      <>
        <PageHeader title="Order" />
        <ErrorState
          error={order.error}
          title={isApiError(order.error, 404) ? "No such order" : "Could not load the order"}
          retry={() => order.refetch()}
        />
      </>
    );
  }
  return <OrderView detail={order.data} />;
}

function OrderView({ detail }: { detail: OrderDetail }) {
  const { order, timeline, ledger, payment } = detail;
  const execution = useOrderExecution(order.executionArn);
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
      <div className="grid-2 grid-graph">
        <Card title="Timeline: every hop">
          <Timeline entries={timeline} />
        </Card>
        <Card
          title="Saga"
          actions={
            order.executionArn ? (
              <Link
                to={`/ops/executions/${encodeURIComponent(order.executionArn)}`}
                className="small"
              >
                Execution details
              </Link>
            ) : null
          }
        >
          {!order.executionArn ? (
            <>
              <p className="muted small">No saga has claimed this order yet.</p>
              <SagaGraph />
            </>
          ) : execution.isPending ? (
            <Loading label="Loading the execution…" />
          ) : execution.isError ? (
            <ErrorState error={execution.error} retry={() => execution.refetch()} />
          ) : (
            <>
              <p className="small">
                <StatusBadge status={execution.data.status} /> {execution.data.states.length} states
                visited
              </p>
              <SagaGraph states={execution.data.states} />
            </>
          )}
        </Card>
      </div>
      <div className="grid-3">
        <Card title="Items">
          <ul className="cart-lines">
            {order.lines.map((l) => (
              <li key={l.sku}>
                <span>
                  {l.quantity} × {l.name} <code className="small">{l.sku}</code>
                </span>
                <span className="num">{money(l.lineTotalCents, order.currency)}</span>
              </li>
            ))}
          </ul>
        </Card>
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
      </div>
      <LogsCard orderId={order.orderId} />
      <Card title="Raw records">
        <details>
          <summary>Order, payment and journal as stored</summary>
          <JsonBlock value={detail} label="Raw order record" />
        </details>
      </Card>
    </>
  );
}

/** "ord_…:status:FULFILLED#sms" → "FULFILLED · sms" (the key without the order id). */
const notificationLabel = (orderId: string, key: string) => {
  const [what = key, channel] = key.replace(`${orderId}:`, "").split("#");
  const label = what.replace(/^status:/, "").replace(/^placed$/, "ACCEPTED");
  return channel ? `${label} · ${channel}` : label;
};

function Timeline({ entries, compact }: { entries: JournalEntryView[]; compact?: boolean }) {
  if (entries.length === 0) return <Empty title="Nothing recorded yet" />;
  return (
    <ol className={`timeline${compact ? " timeline-compact" : ""}`}>
      {entries.map((e) => (
        <li
          key={`${e.at}-${e.kind}-${e.actor}-${e.message}`}
          className={`tl-${e.kind.toLowerCase()}`}
        >
          <time dateTime={e.at} title={dateTime(e.at)}>
            {time(e.at)}
          </time>
          <span className="tl-kind">
            {/* capitalised by CSS; an acronym keeps its capitals */}
            {e.kind
              .replace(/_/g, " ")
              .toLowerCase()
              .replace(/\bdlq\b/, "DLQ")}
          </span>
          <span>
            {e.message} <span className="muted small">— {e.actor}</span>
          </span>
          {e.data && !compact ? (
            <details className="tl-data">
              <summary>data</summary>
              <JsonBlock value={e.data} label={`Data of ${e.kind}`} />
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function LogsCard({ orderId }: { orderId: string }) {
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
