import { type ReactNode, useEffect, useId, useRef } from "react";
import { isApiError } from "./api-client";
import { parseErrorCause } from "./error-cause";

// Small shared building blocks: every page uses the same loading, empty and
// error states, status badges and confirmation dialog.

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children ? <p className="muted">{children}</p> : null}
    </div>
  );
}

export function ErrorState({
  error,
  retry,
  title = "Could not load this",
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  const code = isApiError(error) ? error.code : "ERROR";
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title}</p>
      <p>
        <code>{code}</code> {message}
      </p>
      {retry ? (
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

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

export function Card({
  title,
  children,
  actions,
  className = "",
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <section className={`card ${className}`} aria-labelledby={title ? id : undefined}>
      {title ? (
        <div className="card-head">
          <h2 id={id}>{title}</h2>
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

/** A tiny trend line (no axes) for a series of samples, newest last. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 96;
  const h = 24;
  // The samples are this page's own polls: a fresh page has none yet.
  if (values.length < 2) return <span className="muted small sparkline-note">collecting…</span>;
  const max = Math.max(...values);
  if (max === 0)
    return (
      <svg
        width={w}
        height={h}
        className="sparkline sparkline-idle"
        role="img"
        aria-label={`${label}: empty for the last ${values.length} samples`}
      >
        <line x1="0" y1={h - 2} x2={w} y2={h - 2} stroke="currentColor" strokeDasharray="2 3" />
      </svg>
    );
  const step = w / (values.length - 1);
  const y = (v: number) => h - 2 - (v / max) * (h - 4);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <svg
      width={w}
      height={h}
      className="sparkline"
      role="img"
      aria-label={`${label}: ${values.join(", ")} (peak ${max})`}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx={w - 2} cy={y(values.at(-1)!)} r="2" fill="currentColor" />
    </svg>
  );
}

/** A modal confirmation (native <dialog>: focus trap and Escape for free). */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={onCancel}
      onClose={onCancel}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={`btn ${danger ? "btn-danger" : "btn-primary"}`}
          onClick={onConfirm}
          disabled={busy}
        >
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <section aria-label={label}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
      <pre className="json" tabIndex={0}>
        {JSON.stringify(value, null, 2)}
      </pre>
    </section>
  );
}

/**
 * A state machine error and its cause: a Lambda error payload shows as its
 * message, with the stack trace folded away in a box that scrolls sideways
 * on its own (its file paths are longer than a phone is wide).
 */
export function ErrorCauseLine({
  error,
  cause,
  className,
}: {
  error: string;
  cause?: string | null;
  className?: string;
}) {
  const { message, trace } = parseErrorCause(cause);
  return (
    <div className={`error-cause ${className ?? ""}`}>
      <code>{error}</code> {message}
      {trace.length > 0 ? (
        <details>
          <summary>Stack trace</summary>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
          <pre className="json" tabIndex={0}>
            {trace.join("\n")}
          </pre>
        </details>
      ) : null}
    </div>
  );
}
