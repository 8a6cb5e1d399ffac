import { parseErrorCause } from "../lib/error-cause";

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
