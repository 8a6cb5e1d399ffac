import type { ReactNode } from "react";
import { isApiError } from "../lib/api-client";

// Every page shows loading, empty and error the same way.

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
