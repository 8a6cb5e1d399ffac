// Target retry policy: AWS's defaults (24 h, 185 attempts), exponential backoff with full
// jitter, and which failures skip retries because retrying cannot help.
import type { RetryPolicy, Target } from "./types";

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  MaximumEventAgeInSeconds: 86_400,
  MaximumRetryAttempts: 185,
};

export function retryPolicyOf(target: Target): RetryPolicy {
  return {
    MaximumEventAgeInSeconds:
      target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_RETRY_POLICY.MaximumEventAgeInSeconds,
    MaximumRetryAttempts:
      target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY_POLICY.MaximumRetryAttempts,
  };
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, then jittered. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  // Half fixed, half random: never zero, never more than the ceiling.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const PERMANENT = [
  /ResourceNotFound/i,
  /NonExistentQueue/i,
  /QueueDoesNotExist/i,
  /^NotFound/i,
  /StateMachineDoesNotExist/i,
  /AccessDenied/i,
  /AuthorizationError/i,
  /NotAuthorized/i,
  /InvalidArn/i,
  /UnsupportedTarget/i,
];

export interface DeliveryFailure {
  permanent: boolean;
  /** The ERROR_CODE attribute of the DLQ message. */
  code: string;
  message: string;
}

export function classifyFailure(err: unknown): DeliveryFailure {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown };
  const names = [e.name, e.code, e.Code].filter((x): x is string => typeof x === "string");
  const message = typeof e.message === "string" ? e.message : String(err);
  const permanent = names.some((n) => PERMANENT.some((re) => re.test(n)));
  let code = "SDK_CLIENT_ERROR";
  if (names.some((n) => /AccessDenied|NotAuthorized|AuthorizationError/i.test(n)))
    code = "NO_PERMISSIONS";
  else if (permanent) code = "RESOURCE_NOT_FOUND";
  else if (names.some((n) => /Throttl|TooManyRequests|RequestLimitExceeded/i.test(n)))
    code = "THROTTLING";
  return { permanent, code, message };
}
