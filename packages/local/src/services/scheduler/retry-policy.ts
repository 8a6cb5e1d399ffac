// A target's retry policy: AWS's defaults (24 h, 185 attempts), exponential
// backoff with jitter, and which failures skip retries because retrying cannot
// help (they go straight to the DLQ).
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html
import type { RetryPolicy, ScheduleTarget } from "./types";

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  MaximumEventAgeInSeconds: 86_400,
  MaximumRetryAttempts: 185,
};

export function retryPolicyOf(target: ScheduleTarget): RetryPolicy {
  return {
    MaximumEventAgeInSeconds:
      target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_RETRY_POLICY.MaximumEventAgeInSeconds,
    MaximumRetryAttempts:
      target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY_POLICY.MaximumRetryAttempts,
  };
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, half of it jittered. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const PERMANENT = [
  /ResourceNotFound/i,
  /NonExistentQueue/i,
  /QueueDoesNotExist/i,
  /^NotFound/i,
  /DoesNotExist/i,
  /AccessDenied/i,
  /AuthorizationError/i,
  /NotAuthorized/i,
  /InvalidArn/i,
  /InvalidToken/i,
  /TaskDoesNotExist/i,
  /TaskTimedOut/i,
  /UnsupportedTarget/i,
  /Validation/i,
];

export interface DeliveryFailure {
  permanent: boolean;
  /** The ERROR_CODE attribute of the dead-letter event: the target's error code. */
  code: string;
  message: string;
}

export function classifyFailure(err: unknown): DeliveryFailure {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown };
  const names = [e.name, e.code, e.Code].filter((x): x is string => typeof x === "string");
  const message = typeof e.message === "string" ? e.message : String(err);
  const permanent = names.some((n) => PERMANENT.some((re) => re.test(n)));
  return { permanent, code: names[0] ?? "InternalError", message };
}
