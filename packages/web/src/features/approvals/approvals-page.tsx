import { useMutationState } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "react-router";
import { Card } from "../../components/card";
import { PageHeader } from "../../components/page-header";
import { Empty, ErrorState, Loading } from "../../components/states";
import { StatusBadge } from "../../components/status-badge";
import type { ApprovalView } from "../../lib/admin-types";
import { useApprovals } from "../../lib/api/list-approvals";
import { isApiError } from "../../lib/api-client";
import { countdown, dateTime, money, relative, shortId } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import { type Decision, decideApprovalMutationKey, useDecideApproval } from "./api/decide-approval";

export function ApprovalsPage() {
  const pending = useApprovals("pending");
  const decided = useApprovals("decided");
  const now = useNow();
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Flagged orders wait here, paused in their saga, until someone decides or the deadline passes (then they are cancelled)."
      />
      <section aria-labelledby="inbox-title" className="inbox">
        <h2 id="inbox-title" className="section-title">
          Inbox{" "}
          {pending.data ? (
            <span className="badge badge-warn">{pending.data.items.length}</span>
          ) : null}
        </h2>
        <RefusedDecisions />
        {pending.isPending ? (
          <Loading label="Loading pending approvals…" />
        ) : pending.isError ? (
          <ErrorState error={pending.error} retry={() => pending.refetch()} />
        ) : pending.data.items.length === 0 ? (
          <Empty title="Inbox zero">No order is waiting for a decision.</Empty>
        ) : (
          <ul className="approval-list" aria-live="polite">
            {pending.data.items.map((a) => (
              <ApprovalItem key={a.orderId} approval={a} now={now} />
            ))}
          </ul>
        )}
      </section>
      <Card title="Recent decisions">
        {decided.isPending ? (
          <Loading />
        ) : decided.isError ? (
          <ErrorState error={decided.error} retry={() => decided.refetch()} />
        ) : decided.data.items.length === 0 ? (
          <Empty title="No decisions yet" />
        ) : (
          <div className="table-scroll">
            <table className="table">
              <caption className="sr-only">Decided approvals</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Decision</th>
                  <th scope="col">By</th>
                  <th scope="col">When</th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                {decided.data.items.map((a) => (
                  <tr key={a.orderId}>
                    <td>
                      <Link to={`/ops/orders/${a.orderId}`}>{shortId(a.orderId)}</Link>
                    </td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                    <td>{a.decidedBy ?? "—"}</td>
                    <td>{dateTime(a.decidedAt ?? a.deadline)}</td>
                    <td className="truncate">{a.comment ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

/**
 * Decisions the API refused because the approval was no longer pending
 * (another operator decided first, or the deadline passed). Listed here, not
 * in the item: the refetch that follows removes the item, and its message
 * with it, so the operator would never learn their decision did not count.
 */
function RefusedDecisions() {
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(new Set());
  const refused = useMutationState({
    filters: { mutationKey: decideApprovalMutationKey, status: "error" },
    select: (m) => ({
      at: m.state.submittedAt,
      decision: m.state.variables as Decision,
      error: m.state.error,
    }),
  }).filter((r) => isApiError(r.error, 409) && !dismissed.has(r.at));
  if (refused.length === 0) return null;
  return (
    <ul className="refused-list">
      {refused.map(({ at, decision, error }) => {
        const details = (isApiError(error) ? error.details : undefined) as
          | { status?: string; decidedBy?: string }
          | undefined;
        const mine = decision.decision === "APPROVE" ? "approval" : "rejection";
        return (
          <li key={at} className="state state-error" role="alert">
            <p className="state-title">Someone else got there first, or the deadline passed</p>
            <p>
              <Link to={`/ops/orders/${decision.orderId}`}>{shortId(decision.orderId)}</Link>{" "}
              {details?.status && details.decidedBy
                ? `was already ${details.status.toLowerCase()} by ${details.decidedBy}`
                : isApiError(error)
                  ? error.message
                  : "was no longer waiting for a decision"}
              : your {mine} was not recorded.
            </p>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setDismissed((d) => new Set(d).add(at))}
            >
              Dismiss
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function ApprovalItem({ approval: a, now }: { approval: ApprovalView; now: number }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState("");
  const commentId = useId();
  const left = Date.parse(a.deadline) - now;
  const urgent = left < 3600_000;
  const submit = (decision: "APPROVE" | "REJECT") =>
    decide.mutate({ orderId: a.orderId, decision, comment: comment.trim() });
  // A 409 is reported by <RefusedDecisions> (this item is about to leave the inbox).
  const conflict = isApiError(decide.error, 409);
  return (
    <li className="approval card" aria-labelledby={`${commentId}-title`}>
      <div className="approval-head">
        <h3 id={`${commentId}-title`}>
          <Link to={`/ops/orders/${a.orderId}`}>{shortId(a.orderId)}</Link>
        </h3>
        <strong className="num approval-amount">{money(a.amountCents, a.currency)}</strong>
        <span
          className={`countdown ${urgent ? "countdown-urgent" : ""}`}
          title={`Deadline ${dateTime(a.deadline)}`}
        >
          <span className="sr-only">Time left: </span>
          {countdown(a.deadline, now)}
        </span>
      </div>
      <p>{a.reason ?? "Flagged for review"}</p>
      <p className="muted small">
        Customer <code>{a.customerId}</code> · requested {relative(a.requestedAt, now)}
      </p>
      <label htmlFor={commentId}>Comment (required to reject)</label>
      <textarea
        id={commentId}
        rows={2}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={1000}
      />
      <div className="approval-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={decide.isPending}
          onClick={() => submit("APPROVE")}
        >
          Approve
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={decide.isPending || comment.trim().length < 3}
          onClick={() => submit("REJECT")}
        >
          Reject
        </button>
      </div>
      {decide.isError && !conflict ? (
        <ErrorState error={decide.error} title="The decision was not recorded" />
      ) : null}
    </li>
  );
}
