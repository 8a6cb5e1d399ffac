import { JsonBlock } from "../../../components/json-block";
import { Empty } from "../../../components/states";
import type { JournalEntryView } from "../../../lib/admin-types";
import { dateTime, time } from "../../../lib/format";

/** Journal entries, oldest first; `compact` leaves out their data. */
export function Timeline({ entries, compact }: { entries: JournalEntryView[]; compact?: boolean }) {
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
