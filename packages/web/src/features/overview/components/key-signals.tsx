import { Link } from "react-router";
import { useQueues } from "../../../lib/api/get-queues";
import { useApprovals } from "../../../lib/api/list-approvals";
import { deadLetterCount } from "../../../lib/dead-letters";
import { useExecutionCounts } from "../api/get-execution-counts";
import { capped } from "../capped";

/** The four numbers an operator looks at first, each a link to where to act. */
export function KeySignals() {
  const queues = useQueues();
  const counts = useExecutionCounts();
  const approvals = useApprovals("pending");
  const deadLetters = (queues.data?.queues ?? [])
    .filter((q) => q.kind === "dlq")
    .reduce((sum, q) => sum + deadLetterCount(q), 0);
  const failed = (counts.data?.counts.FAILED ?? 0) + (counts.data?.counts.TIMED_OUT ?? 0);
  return (
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
        value={counts.data ? capped(failed, counts.data.cap) : "…"}
        tone={failed > 0 ? "bad" : "ok"}
        to="/ops/executions?status=FAILED"
      />
    </section>
  );
}

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
