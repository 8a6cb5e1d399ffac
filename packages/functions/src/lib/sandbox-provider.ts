import type { Context } from "aws-lambda";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { logger } from "./observability";

// What the sandbox providers (payment, notification) share as HTTP services:
// a health route, JSON answers for an unknown route and an unexpected error,
// and the Lambda entry behind their IAM-auth function URL.

/** A provider's app: `/health`, the routes `define` adds, and the shared error answers. */
export function sandboxProviderApp(service: string, define: (app: Hono) => void) {
  const app = new Hono();
  app.get("/health", (c) => c.json({ ok: true, service }));
  define(app);
  app.notFound((c) => c.json({ code: "NOT_FOUND", message: "No such route" }, 404));
  app.onError((error, c) => {
    logger.error("sandbox error", { error });
    return c.json({ code: "INTERNAL", message: "Sandbox provider error" }, 500);
  });
  return app;
}

type FunctionUrlHandler = ReturnType<typeof handle>;

/** The function URL's handler, with the app built on the first invocation (when `Resource` is read). */
export function functionUrlHandler(build: () => Hono) {
  let lambda: FunctionUrlHandler | undefined;
  return (event: Parameters<FunctionUrlHandler>[0], context: Context) => {
    lambda ??= handle(build());
    return lambda(event, context);
  };
}
