// Retry and Catch matching as the Amazon States Language defines it.
import type { JSONObject, StatesError } from "./types";

// States.Runtime and States.DataLimitExceeded are never retried nor caught, even by States.ALL.
export const isTerminalError = (name: string) =>
  name === "States.Runtime" || name === "States.DataLimitExceeded";

function matches(errorEquals: unknown, error: StatesError, isTask: boolean) {
  const name = error.Error;
  if (!Array.isArray(errorEquals) || (name !== undefined && isTerminalError(name))) return false;
  return errorEquals.some(
    (e) =>
      (name !== undefined && e === name) ||
      e === "States.ALL" ||
      // A missed heartbeat is States.Timeout, and this name matches only that case.
      (e === "States.HeartbeatTimeout" && error.heartbeat === true) ||
      // States.TaskFailed is a wildcard for task errors other than States.Timeout.
      (e === "States.TaskFailed" && isTask && name !== "States.Timeout"),
  );
}

/** The delay before the next attempt, or undefined when no retrier applies. */
export function retryDelayMs(
  state: JSONObject,
  error: StatesError,
  attempts: number[],
  random: () => number = Math.random,
): { retrier: number; delayMs: number } | undefined {
  const retriers = (state.Retry as JSONObject[] | undefined) ?? [];
  const isTask = state.Type === "Task";
  for (let i = 0; i < retriers.length; i++) {
    const r = retriers[i] as JSONObject;
    if (!matches(r.ErrorEquals, error, isTask)) continue;
    const max = (r.MaxAttempts as number | undefined) ?? 3;
    const done = attempts[i] ?? 0;
    // The first matching retrier decides, even when it is exhausted.
    if (done >= max) return undefined;
    const interval = (r.IntervalSeconds as number | undefined) ?? 1;
    const backoff = (r.BackoffRate as number | undefined) ?? 2;
    let seconds = interval * backoff ** done;
    if (typeof r.MaxDelaySeconds === "number") seconds = Math.min(seconds, r.MaxDelaySeconds);
    if (r.JitterStrategy === "FULL") seconds = random() * seconds;
    return { retrier: i, delayMs: Math.round(seconds * 1000) };
  }
  return undefined;
}

export function findCatcher(state: JSONObject, error: StatesError) {
  const catchers = (state.Catch as JSONObject[] | undefined) ?? [];
  return catchers.find((c) => matches(c.ErrorEquals, error, state.Type === "Task"));
}
