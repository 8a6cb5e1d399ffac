// Cross-cutting concerns, written once and wrapped around every request the
// dispatcher routes to a declared operation (forwarded engines included).
import { AwsError } from "./errors";
import type { Authorization, AwsRequest, AwsResponse } from "./types";

export type Middleware = (
  request: AwsRequest,
  authorization: Authorization,
  next: () => Promise<AwsResponse>,
) => Promise<AwsResponse>;

/** What the IAM slot receives for each request. */
export interface AuthorizationRequest extends Authorization {
  /** The SigV4 access key id ("anonymous" when unsigned). */
  principal: string;
  request: AwsRequest;
}

/** Denies by throwing an AwsError (AccessDeniedException); returns to allow. */
export type Authorizer = (call: AuthorizationRequest) => void | Promise<void>;

/** Allows everything: the local cloud does not enforce IAM yet (the next issue does, here). */
export const allowAll: Authorizer = () => {};

export function iam(authorizer: Authorizer = allowAll): Middleware {
  return async (request, authorization, next) => {
    await authorizer({ ...authorization, principal: request.principal, request });
    return next();
  };
}

export interface RequestLogLine {
  correlationId: string;
  requestId: string;
  service: string;
  operation: string;
  principal: string;
  status: number;
  ms: number;
}

/** One line per request, keyed by correlation id, to `sink`. */
export function requestLog(sink: (line: RequestLogLine) => void): Middleware {
  return async (request, _authorization, next) => {
    const started = performance.now();
    const line = (status: number) =>
      sink({
        correlationId: request.correlationId,
        requestId: request.requestId,
        service: request.service,
        operation: request.operation,
        principal: request.principal,
        status,
        ms: Math.round(performance.now() - started),
      });
    try {
      const out = await next();
      line(out.status);
      return out;
    } catch (error) {
      line(error instanceof AwsError ? error.status : 500);
      throw error;
    }
  };
}

export type Fault = "before-effect" | "after-effect";

export interface FaultOptions {
  /** Latency added before a call to `service`, in ms (chaos mode's DynamoDB latency). */
  delayMs?: (request: AwsRequest) => number;
  /**
   * A fault for this call, if any: before-effect answers 503 and changes
   * nothing; after-effect lets the call happen, then answers 503 (its answer
   * is lost).
   */
  fault?: (request: AwsRequest) => Fault | undefined;
}

export function faults(options: FaultOptions): Middleware {
  return async (request, _authorization, next) => {
    const delay = options.delayMs?.(request) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const fault = options.fault?.(request);
    const unavailable = () =>
      new AwsError(
        "ServiceUnavailable",
        `${request.operation} failed (local fault: ${fault})`,
        503,
      );
    if (fault === "before-effect") throw unavailable();
    const out = await next();
    if (fault === "after-effect" && out.status === 200) throw unavailable();
    return out;
  };
}
