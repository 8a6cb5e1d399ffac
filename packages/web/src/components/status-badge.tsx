const tone: Record<string, string> = {
  ACCEPTED: "info",
  PROCESSING: "info",
  RUNNING: "info",
  AWAITING_APPROVAL: "warn",
  PENDING: "warn",
  HELD: "info",
  SHIPPED: "ok",
  RELEASED: "muted",
  APPROVED: "ok",
  FULFILLED: "ok",
  SUCCEEDED: "ok",
  COMPLETED: "ok",
  CANCELLED: "muted",
  ABORTED: "muted",
  REJECTED: "bad",
  EXPIRED: "bad",
  FAILED: "bad",
  TIMED_OUT: "bad",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${tone[status] ?? "muted"}`}>{status.replace(/_/g, " ")}</span>
  );
}
