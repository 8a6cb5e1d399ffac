import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import type { QueueDepth } from "../../lib/admin-types";
import { deadLetterCount } from "../../lib/dead-letters";
import { countdown, money, queueAge, relative, shortId } from "../../lib/format";
import { Card, Empty, ErrorState, Loading, PageHeader, Sparkline, StatusBadge } from "../../lib/ui";
import { useNow } from "../../lib/use-now";
import { useExecutionCounts } from "./api/get-execution-counts";
import { usePendingApprovals } from "./api/get-pending-approvals";
import { useQueueDepths } from "./api/get-queue-depths";

const SAMPLES = 24;

/** Keeps the last samples of each queue's depth, one per refresh, for the trend lines. */
function useDepthHistory(queues: QueueDepth[] | undefined, updatedAt: number) {
  const history = useRef(new Map<string, number[]>());
  const [, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a refetch with equal data keeps the same reference (structural sharing); updatedAt still marks a new sample
  useEffect(() => {
    if (!queues) return;
    for (const q of queues) {
      const series = history.current.get(q.name) ?? [];
      history.current.set(q.name, [...series, q.visible + q.inFlight].slice(-SAMPLES));
    }
    setVersion((v) => v + 1);
  }, [queues, updatedAt]);
  return history.current;
}

export function OverviewPage() {
  const queues = useQueueDepths();
  const counts = useExecutionCounts();
  const approvals = usePendingApprovals();
  const history = useDepthHistory(queues.data?.queues, queues.dataUpdatedAt);
  const now = useNow(5_000);
  const dlqs = queues.data?.queues.filter((q) => q.kind === "dlq") ?? [];
  const deadLetters = dlqs.reduce((sum, q) => sum + deadLetterCount(q), 0);

  return (
    <>
      <PageHeader
        title="Overview"
        description={
          <span className="live">
            <span className="pulse" aria-hidden="true" /> Live · queues every 5 s, sagas every 10 s
          </span>
        }
      />
      <section className="stats" aria-label="Key signals">
        <Stat
          label="Dead letters"
          value={queues.data ? deadLetters : "…"}
          tone={deadLetters > 0 ? "bad" : "ok"}
          to="/ops/queues"
        />
        <Stat
          label="Pending approvals"
          value={approvals.data ? approvals.data.items.length : "…"}
          tone={approvals.data?.items.length ? "warn" : "ok"}
          to="/ops/approvals"
        />
        <Stat
          label="Running sagas"
          value={counts.data ? capped(counts.data.counts.RUNNING, counts.data.cap) : "…"}
          tone="info"
          to="/ops/executions?status=RUNNING"
        />
        <Stat
          label="Failed sagas"
          value={
            counts.data
              ? capped(
                  (counts.data.counts.FAILED ?? 0) + (counts.data.counts.TIMED_OUT ?? 0),
                  counts.data.cap,
                )
              : "…"
          }
          tone={
            (counts.data?.counts.FAILED ?? 0) + (counts.data?.counts.TIMED_OUT ?? 0) > 0
              ? "bad"
              : "ok"
          }
          to="/ops/executions?status=FAILED"
        />
      </section>
      <div className="grid-2">
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
                    <th scope="col">Trend</th>
                    <th scope="col" className="num">
                      Oldest
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {queues.data.queues.map((q) => (
                    <tr
                      key={q.name}
                      className={q.kind === "dlq" && deadLetterCount(q) > 0 ? "row-alert" : ""}
                    >
                      <th scope="row">
                        {q.name}
                        {q.kind === "dlq" ? <span className="muted small"> DLQ</span> : null}
                      </th>
                      <td className="num">
                        {q.visible}
                        {q.inFlight ? (
                          <span className="muted small"> +{q.inFlight} in flight</span>
                        ) : null}
                      </td>
                      <td
                        className={
                          q.kind === "dlq" && deadLetterCount(q) > 0 ? "trend-bad" : "trend"
                        }
                      >
                        <Sparkline
                          values={history.get(q.name) ?? []}
                          label={`${q.name} depth trend`}
                        />
                      </td>
                      <td className="num" title={q.oldestAgeError}>
                        {queueAge(q)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <div className="stack">
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
                    <Link to={`/ops/executions/${encodeURIComponent(e.executionArn)}`}>
                      {e.name}
                    </Link>{" "}
                    <StatusBadge status={e.status} />{" "}
                    <span className="muted small">{relative(e.stopDate ?? e.startDate, now)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

const capped = (n: number | undefined, cap: number) =>
  (n ?? 0) >= cap ? `${cap}+` : String(n ?? 0);

function Stat({
  label,
  value,
  tone,
  to,
}: {
  label: string;
  value: number | string;
  tone: string;
  to: string;
}) {
  return (
    <Link to={to} className={`stat stat-${tone}`}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </Link>
  );
}
