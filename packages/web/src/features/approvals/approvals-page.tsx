import { useId, useState } from "react";
import { Link } from "react-router";
import type { ApprovalView } from "../../lib/admin-types";
import { isApiError } from "../../lib/api-client";
import { countdown, dateTime, money, relative, shortId } from "../../lib/format";
import { Card, Empty, ErrorState, Loading, PageHeader, StatusBadge } from "../../lib/ui";
import { useNow } from "../../lib/use-now";
import { useDecideApproval } from "./api/decide-approval";
import { useApprovals } from "./api/list-approvals";

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

function ApprovalItem({ approval: a, now }: { approval: ApprovalView; now: number }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState("");
  const commentId = useId();
  const left = Date.parse(a.deadline) - now;
  const urgent = left < 3600_000;
  const submit = (decision: "APPROVE" | "REJECT") =>
    decide.mutate({ orderId: a.orderId, decision, comment: comment.trim() });
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
      {decide.isError ? (
        <ErrorState
          error={decide.error}
          title={
            conflict
              ? "Someone else got there first, or the deadline passed"
              : "The decision was not recorded"
          }
        />
      ) : null}
    </li>
  );
}
