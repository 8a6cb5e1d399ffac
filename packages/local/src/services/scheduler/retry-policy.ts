// Which failed invocations skip retries because retrying cannot help (straight
// to the DLQ). The policy and the backoff are the protocol layer's (shared with
// EventBridge).
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-retry-policy.html
import { failureOf } from "../../protocol";

export { backoffDelay, retryPolicyOf } from "../../protocol";

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
  const { names, message } = failureOf(err);
  const permanent = names.some((n) => PERMANENT.some((re) => re.test(n)));
  return { permanent, code: names[0] ?? "InternalError", message };
}
