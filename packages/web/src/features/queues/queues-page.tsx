import { detailTypes } from "@orders/core/topology";
import { useId, useState } from "react";
import { Link } from "react-router";
import type { DeadLetter, QueueDepth } from "../../lib/admin-types";
import { deadLetterCount } from "../../lib/dead-letters";
import { age, dateTime, queueAge, shortId } from "../../lib/format";
import {
  Card,
  ConfirmDialog,
  Empty,
  ErrorState,
  JsonBlock,
  Loading,
  PageHeader,
  StatusBadge,
} from "../../lib/ui";
import { useDlqMessages } from "./api/get-dlq-messages";
import { useQueues } from "./api/get-queues";
import { useReplays } from "./api/list-replays";
import { useRedriveDlq } from "./api/redrive-dlq";
import { useStartReplay } from "./api/start-replay";

const catchesLabel: Record<string, string> = {
  "consumer-failures": "consumer failed maxReceiveCount times",
  "rule-delivery-failures": "EventBridge could not deliver to the rule's target",
  "stream-failures": "stream batches the publisher gave up on",
};

export function QueuesPage() {
  const queues = useQueues();
  const [browsing, setBrowsing] = useState<string | null>(null);
  const work = queues.data?.queues.filter((q) => q.kind === "work") ?? [];
  const dlqs = queues.data?.queues.filter((q) => q.kind === "dlq") ?? [];
  return (
    <>
      <PageHeader
        title="Queues"
        description="Depths refresh every 5 s. Any message in a DLQ is an incident (seed §10.3)."
      />
      {queues.isPending ? (
        <Loading label="Reading queue attributes…" />
      ) : queues.isError ? (
        <ErrorState error={queues.error} retry={() => queues.refetch()} />
      ) : (
        <>
          <Card title="Work queues">
            <div className="table-scroll">
              <table className="table">
                <caption className="sr-only">Work queues with their depth and DLQ</caption>
                <thead>
                  <tr>
                    <th scope="col">Queue</th>
                    <th scope="col">Consumer</th>
                    <th scope="col" className="num">
                      Visible
                    </th>
                    <th scope="col" className="num">
                      In flight
                    </th>
                    <th scope="col" className="num">
                      Delayed
                    </th>
                    <th scope="col" className="num">
                      Oldest
                    </th>
                    <th scope="col">DLQ</th>
                  </tr>
                </thead>
                <tbody>
                  {work.map((q) => {
                    const dlq = dlqs.find((d) => d.name === q.dlq);
                    return (
                      <tr key={q.name}>
                        <th scope="row">{q.name}</th>
                        <td>{q.consumer}</td>
                        <td className="num">{q.visible}</td>
                        <td className="num">{q.inFlight}</td>
                        <td className="num">{q.delayed}</td>
                        <td className="num" title={q.oldestAgeError}>
                          {queueAge(q)}
                        </td>
                        <td>
                          {q.dlq} <DlqCount queue={dlq} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </Card>
          <Card title="Dead-letter queues">
            <ul className="dlq-list">
              {dlqs.map((q) => (
                <li key={q.name} className={deadLetterCount(q) > 0 ? "dlq dlq-alert" : "dlq"}>
                  <div>
                    <strong>{q.name}</strong> <DlqCount queue={q} />
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
                    onClick={() => setBrowsing(q.name)}
                    aria-expanded={browsing === q.name}
                    aria-controls="dlq-browser"
                  >
                    Browse
                  </button>
                </li>
              ))}
            </ul>
          </Card>
          {browsing ? (
            <DlqBrowser
              queue={dlqs.find((d) => d.name === browsing)!}
              onClose={() => setBrowsing(null)}
            />
          ) : null}
        </>
      )}
      <ReplayCard />
    </>
  );
}

function DlqCount({ queue }: { queue: QueueDepth | undefined }) {
  if (!queue) return null;
  const count = deadLetterCount(queue);
  return (
    <span className={`badge ${count > 0 ? "badge-bad" : "badge-ok"}`}>
      {count} {count === 1 ? "message" : "messages"}
    </span>
  );
}

function redriveExplanation(queue: QueueDepth, selected: number) {
  const what =
    selected > 0
      ? `The ${selected} selected message${selected === 1 ? "" : "s"}`
      : `All ${deadLetterCount(queue)} message${deadLetterCount(queue) === 1 ? "" : "s"}`;
  if (queue.redrive === "move-to-source") {
    return `${what} will be moved from ${queue.name} back to ${queue.source}, where ${queue.source === "ApprovalsQueue" ? "the approvals worker" : "its consumer"} will process them again. Consumers are idempotent, so messages that were already handled become no-ops. Fix the cause first, or they will come back here.`;
  }
  return `${what} will be put back on the event bus as the original events and deleted from ${queue.name}. Every rule that matches them delivers them again; consumers and the saga's claim step make repeats harmless.`;
}

function DlqBrowser({ queue, onClose }: { queue: QueueDepth; onClose: () => void }) {
  const messages = useDlqMessages(queue.name);
  const redrive = useRedriveDlq();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const canRedrive = queue.redrive !== "none";
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const run = () =>
    redrive.mutate(
      { queue: queue.name, ...(selected.size ? { messageIds: [...selected] } : {}) },
      {
        onSuccess: () => {
          setConfirming(false);
          setSelected(new Set());
          messages.refetch();
          // Letters a selected redrive looked at but did not move are back a
          // second later: look again then, or the list would miss them.
          setTimeout(() => messages.refetch(), 1_500);
        },
        onError: () => setConfirming(false),
      },
    );
  return (
    <section id="dlq-browser" className="card" aria-labelledby="dlq-browser-title">
      <div className="card-head">
        <h2 id="dlq-browser-title">{queue.name}</h2>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => messages.refetch()}>
            Refresh
          </button>
          {canRedrive ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={deadLetterCount(queue) === 0 && selected.size === 0}
              onClick={() => setConfirming(true)}
            >
              {selected.size ? `Redrive ${selected.size} selected` : "Redrive all"}
            </button>
          ) : null}
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <p className="muted small">
        Peeked with visibility 0: looking does not take messages away, but it does count as a
        receive.
      </p>
      {!canRedrive ? (
        <p className="note">
          Stream failures hold batch metadata, not events: they cannot be redriven from here.
        </p>
      ) : null}
      {redrive.isSuccess ? (
        <p className="note note-ok" role="status">
          Redrive {redrive.data.mode === "move-task" ? "task started" : "done"}:{" "}
          {redrive.data.moved} moved
          {redrive.data.failed.length ? `, ${redrive.data.failed.length} failed` : ""}.
        </p>
      ) : null}
      {redrive.isError ? <ErrorState error={redrive.error} title="Redrive failed" /> : null}
      {messages.isPending ? (
        <Loading label="Peeking at messages…" />
      ) : messages.isError ? (
        <ErrorState error={messages.error} retry={() => messages.refetch()} />
      ) : messages.data.messages.length === 0 ? (
        <Empty title="No dead letters">Nothing has failed here. 🎉</Empty>
      ) : (
        <ul className="letters">
          {messages.data.messages.map((m) => (
            <Letter
              key={m.messageId}
              letter={m}
              checked={selected.has(m.messageId)}
              onToggle={() => toggle(m.messageId)}
              selectable={canRedrive}
            />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirming}
        title={
          selected.size ? "Redrive the selected messages?" : `Redrive everything in ${queue.name}?`
        }
        confirmLabel="Redrive"
        busy={redrive.isPending}
        onConfirm={run}
        onCancel={() => setConfirming(false)}
      >
        <p>{redriveExplanation(queue, selected.size)}</p>
      </ConfirmDialog>
    </section>
  );
}

function Letter({
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

function ReplayCard() {
  const replays = useReplays();
  const start = useStartReplay();
  const fromId = useId();
  const toId = useId();
  const hourAgo = new Date(Date.now() - 3600_000);
  const local = (d: Date) =>
    new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const [from, setFrom] = useState(local(hourAgo));
  const [to, setTo] = useState(local(new Date()));
  const [types, setTypes] = useState<string[]>([detailTypes.OrderPlaced]);
  const [confirming, setConfirming] = useState(false);
  const submit = () =>
    start.mutate(
      { from: new Date(from).toISOString(), to: new Date(to).toISOString(), detailTypes: types },
      { onSettled: () => setConfirming(false) },
    );
  return (
    <Card title="Replay archived events">
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          setConfirming(true);
        }}
      >
        <div className="field">
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId}
            type="datetime-local"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={toId}>To</label>
          <input
            id={toId}
            type="datetime-local"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            required
          />
        </div>
        <fieldset className="field">
          <legend>Detail types</legend>
          {Object.values(detailTypes).map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={types.includes(t)}
                onChange={(e) =>
                  setTypes((ts) => (e.target.checked ? [...ts, t] : ts.filter((x) => x !== t)))
                }
              />
              {t}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={types.length === 0}>
          Replay…
        </button>
      </form>
      {start.isError ? <ErrorState error={start.error} title="The replay did not start" /> : null}
      {start.isSuccess ? (
        <p className="note note-ok" role="status">
          Replay {start.data.name} is {start.data.state.toLowerCase()}.
        </p>
      ) : null}
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
              <code>{r.name}</code> <StatusBadge status={r.state} />{" "}
              <span className="muted small">
                {dateTime(r.from)} → {dateTime(r.to)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirming}
        title="Replay these events?"
        confirmLabel="Start replay"
        busy={start.isPending}
        onConfirm={submit}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Every archived {types.join(" and ")} event published between{" "}
          {dateTime(new Date(from).toISOString())} and {dateTime(new Date(to).toISOString())} is
          sent again to the rules that route it. Consumers are idempotent, so events that were
          handled correctly become no-ops; a replayed OrderPlaced cannot start a second saga with
          effects.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
