// A target's retry policy as EventBridge and EventBridge Scheduler apply it:
// AWS's defaults (24 h, 185 attempts) and exponential backoff with jitter.
// Which failures skip retries is each service's own (their error codes differ).
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html

export interface TargetRetryPolicy {
  MaximumEventAgeInSeconds: number;
  MaximumRetryAttempts: number;
}

export const DEFAULT_TARGET_RETRY_POLICY: TargetRetryPolicy = {
  MaximumEventAgeInSeconds: 86_400,
  MaximumRetryAttempts: 185,
};

/** A target's policy with AWS's defaults for what it leaves out. */
export function retryPolicyOf(target: { RetryPolicy?: Partial<TargetRetryPolicy> }) {
  return {
    MaximumEventAgeInSeconds:
      target.RetryPolicy?.MaximumEventAgeInSeconds ??
      DEFAULT_TARGET_RETRY_POLICY.MaximumEventAgeInSeconds,
    MaximumRetryAttempts:
      target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_TARGET_RETRY_POLICY.MaximumRetryAttempts,
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

/** The error names (`name`, `code`, `Code`) and message of a failed target call. */
export function failureOf(err: unknown) {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown };
  return {
    names: [e.name, e.code, e.Code].filter((x): x is string => typeof x === "string"),
    message: typeof e.message === "string" ? e.message : String(err),
  };
}
