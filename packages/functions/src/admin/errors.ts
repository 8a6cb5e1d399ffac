import { DomainError } from "@orders/core/errors";
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import type { AdminEnv } from "./types";

/** An admin API error: stable `code`, human message, HTTP status. */
export class AdminError extends DomainError {}

export const notFound = (what: string) =>
  new AdminError("NOT_FOUND", `${what} does not exist`, 404);

const issues = (error: ZodError) =>
  error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
    code: issue.code,
  }));

/** AWS SDK errors we can explain to an operator rather than hiding behind a 500. */
const awsErrors: Record<string, { status: ContentfulStatusCode; code: string }> = {
  ExecutionDoesNotExist: { status: 404, code: "EXECUTION_NOT_FOUND" },
  InvalidArn: { status: 400, code: "INVALID_ARN" },
  TaskDoesNotExist: { status: 409, code: "TASK_GONE" },
  TaskTimedOut: { status: 409, code: "APPROVAL_EXPIRED" },
  "AWS.SimpleQueueService.NonExistentQueue": { status: 404, code: "QUEUE_NOT_FOUND" },
  QueueDoesNotExist: { status: 404, code: "QUEUE_NOT_FOUND" },
  ResourceNotFoundException: { status: 404, code: "NOT_FOUND" },
  ResourceAlreadyExistsException: { status: 409, code: "ALREADY_EXISTS" },
  LimitExceededException: { status: 429, code: "LIMIT_EXCEEDED" },
};

/** The one place errors become responses: `{ code, message }` JSON, always. */
export const onError =
  (log: (error: unknown) => void): ErrorHandler<AdminEnv> =>
  (error, c) => {
    if (error instanceof DomainError) {
      return c.json(error.toJSON(), error.status as ContentfulStatusCode);
    }
    if (error instanceof ZodError) {
      return c.json(
        { code: "VALIDATION_FAILED", message: "The request is not valid", details: issues(error) },
        400,
      );
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      return c.json(
        { code: status === 400 ? "BAD_REQUEST" : `HTTP_${status}`, message: error.message },
        status,
      );
    }
    const name = (error as { name?: string }).name ?? "";
    const known = awsErrors[name];
    if (known) return c.json({ code: known.code, message: error.message }, known.status);
    log(error);
    return c.json(
      {
        code: "INTERNAL",
        message: "Something went wrong; the error was logged",
        requestId: c.get("requestId"),
      },
      500,
    );
  };
