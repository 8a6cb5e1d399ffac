import { useState } from "react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { Empty, ErrorState, Loading } from "../../../components/states";
import type { QueueDepth } from "../../../lib/admin-types";
import { deadLetterCount } from "../../../lib/dead-letters";
import { useDlqMessages } from "../api/get-dlq-messages";
import { useRedriveDlq } from "../api/redrive-dlq";
import { DeadLetterItem } from "./dead-letter-item";

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

export function DlqBrowser({ queue, onClose }: { queue: QueueDepth; onClose: () => void }) {
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
            <DeadLetterItem
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
