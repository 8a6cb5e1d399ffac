import type { QueueDepth } from "../../../lib/admin-types";
import { deadLetterCount } from "../../../lib/dead-letters";

/** "3 messages", red when a DLQ holds any. */
export function DlqCount({ queue }: { queue: QueueDepth | undefined }) {
  if (!queue) return null;
  const count = deadLetterCount(queue);
  return (
    <span className={`badge ${count > 0 ? "badge-bad" : "badge-ok"}`}>
      {count} {count === 1 ? "message" : "messages"}
    </span>
  );
}
