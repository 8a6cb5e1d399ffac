import { useId } from "react";
import { Link } from "react-router";
import { JsonBlock } from "../../../components/json-block";
import { StatusBadge } from "../../../components/status-badge";
import type { DeadLetter } from "../../../lib/admin-types";
import { dateTime, shortId } from "../../../lib/format";

/** One dead letter: where it came from, why it failed, and its body. */
export function DeadLetterItem({
  letter,
  checked,
  onToggle,
  selectable,
}: {
  letter: DeadLetter;
  checked: boolean;
  onToggle: () => void;
  selectable: boolean;
}) {
  const id = useId();
  return (
    <li className="letter">
      <div className="letter-head">
        {selectable ? (
          <input
            id={id}
            type="checkbox"
            checked={checked}
            onChange={onToggle}
            aria-label={`Select message ${letter.messageId}`}
          />
        ) : null}
        <div className="letter-title">
          <code>{shortId(letter.messageId)}</code>
          {letter.detailType ? <span className="badge badge-info">{letter.detailType}</span> : null}
          {letter.error.code ? <StatusBadge status="FAILED" /> : null}
          <span className="muted small">
            sent {dateTime(letter.sentAt)} · received {letter.receiveCount}×
          </span>
        </div>
      </div>
      <dl className="kv">
        {letter.orderId ? (
          <>
            <dt>Order</dt>
            <dd>
              <Link to={`/ops/orders/${letter.orderId}`}>{shortId(letter.orderId)}</Link>
            </dd>
          </>
        ) : null}
        {letter.error.code ? (
          <>
            <dt>Error</dt>
            <dd>
              <code>{letter.error.code}</code> {letter.error.message}
            </dd>
          </>
        ) : null}
        {letter.error.rule ? (
          <>
            <dt>Rule</dt>
            <dd className="break">{letter.error.rule}</dd>
          </>
        ) : null}
        {letter.error.target ? (
          <>
            <dt>Target</dt>
            <dd className="break">{letter.error.target}</dd>
          </>
        ) : null}
        {letter.error.retryAttempts !== null ? (
          <>
            <dt>Retries</dt>
            <dd>{letter.error.retryAttempts}</dd>
          </>
        ) : null}
      </dl>
      <details>
        <summary>Message body</summary>
        <JsonBlock value={safeJson(letter.body)} label={`Body of message ${letter.messageId}`} />
      </details>
    </li>
  );
}

const safeJson = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
