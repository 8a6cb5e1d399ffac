import { useId, useState } from "react";
import { Link, useParams } from "react-router";
import { Card } from "../../components/card";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { ErrorCauseLine } from "../../components/error-cause-line";
import { JsonBlock } from "../../components/json-block";
import { PageHeader } from "../../components/page-header";
import { SagaGraph } from "../../components/saga-graph/saga-graph";
import { ErrorState, Loading } from "../../components/states";
import { StatusBadge } from "../../components/status-badge";
import type { ExecutionDetail } from "../../lib/admin-types";
import { useExecution } from "../../lib/api/get-execution";
import { dateTime, duration } from "../../lib/format";
import { useStopExecution } from "./api/stop-execution";

export function ExecutionDetailPage() {
  const { arn = "" } = useParams();
  const execution = useExecution(arn);
  if (execution.isPending) return <Loading label="Loading the execution history…" />;
  if (execution.isError) {
    return (
      <>
        <PageHeader title="Execution" />
        <ErrorState error={execution.error} retry={() => execution.refetch()} />
      </>
    );
  }
  return <ExecutionView execution={execution.data} />;
}

function ExecutionView({ execution: e }: { execution: ExecutionDetail }) {
  const input = (e.input ?? {}) as { orderId?: string };
  return (
    <>
      <PageHeader
        title={e.name}
        description={
          <>
            Started {dateTime(e.startDate)}
            {e.stopDate
              ? ` · took ${duration(Date.parse(e.stopDate) - Date.parse(e.startDate))}`
              : ""}
            {input.orderId ? (
              <>
                {" "}
                · order{" "}
                <Link to={`/ops/orders/${input.orderId}`}>{input.orderId.slice(0, 12)}…</Link>
              </>
            ) : null}
          </>
        }
        actions={
          <>
            <StatusBadge status={e.status} />
            {e.status === "RUNNING" ? <StopButton arn={e.executionArn} /> : null}
          </>
        }
      />
      {e.error ? (
        <ErrorCauseLine className="note note-bad" error={e.error} cause={e.cause} />
      ) : null}
      <div className="grid-2 grid-graph-first">
        <Card title="Path through the saga">
          <SagaGraph states={e.states} />
        </Card>
        <Card title="State by state">
          <StateTable states={e.states} />
        </Card>
      </div>
      <Card title="Input and output">
        <details>
          <summary>Execution input</summary>
          <JsonBlock value={e.input} label="Execution input" />
        </details>
        <details>
          <summary>Execution output</summary>
          <JsonBlock value={e.output} label="Execution output" />
        </details>
      </Card>
    </>
  );
}

export function StateTable({ states }: { states: ExecutionDetail["states"] }) {
  return (
    <ol className="states">
      {states.map((s) => (
        <li key={`${s.name}-${s.enteredAt}`} className={`state-row outcome-${s.outcome}`}>
          <div className="state-row-head">
            <strong>{s.name}</strong>
            <span className="muted small">{s.type}</span>
            <span
              className={`badge badge-${s.outcome === "succeeded" ? "ok" : s.outcome === "running" ? "info" : "bad"}`}
            >
              {s.outcome}
            </span>
            <span className="num small">{duration(s.durationMs)}</span>
            {s.attempts > 1 ? (
              <span className="badge badge-warn">{s.attempts} attempts</span>
            ) : null}
          </div>
          {s.errors.map((err) => (
            <ErrorCauseLine
              key={`${err.at}-${err.error}`}
              className="small error-line"
              error={err.error}
              cause={err.cause}
            />
          ))}
          <details>
            <summary>Input / output</summary>
            <JsonBlock
              value={{ input: s.input, output: s.output }}
              label={`Input and output of ${s.name}`}
            />
          </details>
        </li>
      ))}
    </ol>
  );
}

function StopButton({ arn }: { arn: string }) {
  const stop = useStopExecution();
  const [open, setOpen] = useState(false);
  const [cause, setCause] = useState("");
  const causeId = useId();
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        Stop…
      </button>
      <ConfirmDialog
        open={open}
        title="Stop this execution?"
        confirmLabel="Stop execution"
        danger
        busy={stop.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          cause.trim().length >= 3 &&
          stop.mutate({ arn, cause }, { onSuccess: () => setOpen(false) })
        }
      >
        <p>
          StopExecution ends the saga where it is. No compensation runs: anything reserved or
          authorised stays so until someone releases it. Prefer rejecting an approval when that is
          what you mean.
        </p>
        <label htmlFor={causeId}>Why (recorded on the order's timeline)</label>
        <textarea
          id={causeId}
          value={cause}
          onChange={(e) => setCause(e.target.value)}
          rows={3}
          required
          minLength={3}
        />
        {stop.isError ? <ErrorState error={stop.error} title="Could not stop it" /> : null}
      </ConfirmDialog>
    </>
  );
}
