import type { StateRun } from "./schemas";

// Folds GetExecutionHistory's event stream into one row per state visit:
// when it was entered and left, its input and output, how many attempts its
// task took (1 + retries), the errors on the way, and how it ended. A state
// whose error was caught has no StateExited event in AWS: the next state's
// entry closes it.

export interface HistoryEvent {
  id?: number | undefined;
  timestamp?: Date | string | undefined;
  type?: string | undefined;
  stateEnteredEventDetails?: { name?: string | undefined; input?: string | undefined } | undefined;
  stateExitedEventDetails?: { name?: string | undefined; output?: string | undefined } | undefined;
  [details: string]: unknown;
}

const parseJson = (text: string | undefined): unknown => {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const iso = (t: Date | string | undefined) =>
  t ? new Date(t).toISOString() : new Date(0).toISOString();

const FAILURE =
  /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/;
const SCHEDULED = /^(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled)$/;
const EXECUTION_END = /^Execution(Failed|TimedOut|Aborted)$/;

export function foldHistory(events: readonly HistoryEvent[]): StateRun[] {
  const runs: StateRun[] = [];
  let open: StateRun | undefined;

  const close = (at: string, outcome: StateRun["outcome"], output?: unknown) => {
    if (!open) return;
    open.exitedAt = at;
    open.durationMs = Date.parse(at) - Date.parse(open.enteredAt);
    open.outcome = outcome;
    if (output !== undefined) open.output = output;
    open = undefined;
  };

  for (const event of events) {
    const type = event.type ?? "";
    const at = iso(event.timestamp);
    if (type.endsWith("StateEntered")) {
      // Entered without the previous one exiting: its error was caught.
      close(at, "caught");
      open = {
        name: event.stateEnteredEventDetails?.name ?? "?",
        type: type.replace(/StateEntered$/, ""),
        enteredAt: at,
        exitedAt: null,
        durationMs: null,
        input: parseJson(event.stateEnteredEventDetails?.input),
        output: null,
        attempts: 0,
        errors: [],
        outcome: "running",
      };
      runs.push(open);
    } else if (type.endsWith("StateExited")) {
      const failedEveryAttempt =
        open !== undefined && open.attempts > 0 && open.errors.length >= open.attempts;
      close(
        at,
        failedEveryAttempt ? "caught" : "succeeded",
        parseJson(event.stateExitedEventDetails?.output),
      );
    } else if (SCHEDULED.test(type)) {
      if (open) open.attempts++;
    } else if (FAILURE.test(type)) {
      const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
      const details = (event[key] ?? {}) as { error?: string; cause?: string };
      open?.errors.push({ at, error: details.error ?? type, cause: details.cause ?? null });
    } else if (EXECUTION_END.test(type)) {
      const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
      const details = (event[key] ?? {}) as { error?: string; cause?: string };
      if (open && details.error && open.type === "Fail") {
        open.errors.push({ at, error: details.error, cause: details.cause ?? null });
      }
      close(at, "failed");
    }
  }
  return runs;
}
