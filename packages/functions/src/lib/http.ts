import { groupsOf, ListClaim } from "@orders/core/auth";
import { isDomainError } from "@orders/core/errors";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { ZodError } from "zod";
import { logger } from "./observability";

// Helpers for the public HTTP handlers (API Gateway HTTP API, payload 2.0).
// Every error is `{ code, message, details? }` with a stable code.

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResult(error: unknown, headers: Record<string, string> = {}): HttpResult {
  if (isDomainError(error)) return json(error.status, error.toJSON(), headers);
  if (error instanceof ZodError) {
    return json(
      400,
      { code: "VALIDATION_FAILED", message: "The request is not valid", details: error.issues },
      headers,
    );
  }
  logger.error("unhandled error", { error: error as Error });
  return json(
    500,
    { code: "INTERNAL", message: "Something went wrong; retry with the same Idempotency-Key" },
    headers,
  );
}

/** Header lookup that ignores case (API Gateway lowercases; other callers may not). */
export function header(event: Pick<HttpEvent, "headers">, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export interface Caller {
  sub: string | undefined;
  groups: string[];
  scopes: string[];
}

/**
 * The JWT authorizer's claims. API Gateway flattens array claims into
 * strings like "[ops admin]"; a local gateway may pass arrays or JSON.
 */
export function caller(event: HttpEvent): Caller {
  const claims = (event.requestContext?.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  return {
    sub: typeof claims.sub === "string" && claims.sub ? claims.sub : undefined,
    groups: groupsOf(claims),
    scopes: ListClaim.parse(claims.scope),
  };
}
