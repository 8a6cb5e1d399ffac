// Which failed deliveries skip retries because retrying cannot help (straight to
// the DLQ), and the DLQ message's ERROR_CODE. The policy and the backoff are the
// protocol layer's (shared with Scheduler).
import { failureOf } from "../../protocol";

export { backoffDelay, retryPolicyOf } from "../../protocol";

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
  const { names, message } = failureOf(err);
  const permanent = names.some((n) => PERMANENT.some((re) => re.test(n)));
  let code = "SDK_CLIENT_ERROR";
  if (names.some((n) => /AccessDenied|NotAuthorized|AuthorizationError/i.test(n)))
    code = "NO_PERMISSIONS";
  else if (permanent) code = "RESOURCE_NOT_FOUND";
  else if (names.some((n) => /Throttl|TooManyRequests|RequestLimitExceeded/i.test(n)))
    code = "THROTTLING";
  return { permanent, code, message };
}
