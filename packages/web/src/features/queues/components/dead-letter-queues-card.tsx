import { Card } from "../../../components/card";
import type { QueueDepth } from "../../../lib/admin-types";
import { deadLetterCount } from "../../../lib/dead-letters";
import { age } from "../../../lib/format";
import { DlqCount } from "./dlq-count";

const catchesLabel: Record<string, string> = {
  "consumer-failures": "consumer failed maxReceiveCount times",
  "rule-delivery-failures": "EventBridge could not deliver to the rule's target",
  "stream-failures": "stream batches the publisher gave up on",
};

export function DeadLetterQueuesCard({
  dlqs,
  browsing,
  onBrowse,
}: {
  dlqs: QueueDepth[];
  browsing: string | null;
  onBrowse: (queue: string) => void;
}) {
  return (
    <Card title="Dead-letter queues">
      <ul className="dlq-list">
        {dlqs.map((q) => (
          <li key={q.name} className={deadLetterCount(q) > 0 ? "dlq dlq-alert" : "dlq"}>
            <div>
              <strong>{q.name}</strong> <DlqCount queue={q} />
              <p className="muted small">
                <code title="Physical name">{q.physicalName}</code>
              </p>
              <p className="muted small">
                {catchesLabel[q.catches ?? ""]}
                {q.source ? ` · from ${q.source}` : ""}
                {/* an empty DLQ has no oldest letter to age */}
                {deadLetterCount(q) > 0 ? ` · oldest ${age(q.oldestAgeSeconds)}` : ""}
              </p>
            </div>
            <button
              type="button"
              className="btn"
              onClick={() => onBrowse(q.name)}
              aria-expanded={browsing === q.name}
              aria-controls="dlq-browser"
            >
              Browse
            </button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
