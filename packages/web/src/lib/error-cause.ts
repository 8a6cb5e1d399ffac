/**
 * A Step Functions error cause as an operator wants to read it. When a Lambda
 * task fails, the cause is the function's error payload as JSON
 * (`{"errorType","errorMessage","trace":[…]}`; other runtimes say
 * `stackTrace`): the message is what matters, the trace is for whoever digs
 * in. Any other cause (a Catch's own text, a timeout) is kept as it is.
 */
export interface ErrorCause {
  message: string;
  trace: string[];
}

export function parseErrorCause(cause: string | null | undefined): ErrorCause {
  if (!cause) return { message: "", trace: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cause);
  } catch {
    return { message: cause, trace: [] };
  }
  if (typeof parsed !== "object" || parsed === null) return { message: cause, trace: [] };
  const { errorMessage, trace, stackTrace } = parsed as Record<string, unknown>;
  if (typeof errorMessage !== "string") return { message: cause, trace: [] };
  const lines = Array.isArray(trace) ? trace : Array.isArray(stackTrace) ? stackTrace : [];
  return { message: errorMessage, trace: lines.filter((l): l is string => typeof l === "string") };
}
