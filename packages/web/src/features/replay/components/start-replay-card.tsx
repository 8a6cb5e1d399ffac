import { detailTypes } from "@orders/core/topology";
import { useId, useState } from "react";
import { Card } from "../../../components/card";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { ErrorState } from "../../../components/states";
import { dateTime } from "../../../lib/format";
import { useStartReplay } from "../api/start-replay";

/** A `datetime-local` input's value for a date, in the browser's time zone. */
const localInput = (d: Date) =>
  new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function StartReplayCard() {
  const start = useStartReplay();
  const fromId = useId();
  const toId = useId();
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 3600_000)));
  const [to, setTo] = useState(() => localInput(new Date()));
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
