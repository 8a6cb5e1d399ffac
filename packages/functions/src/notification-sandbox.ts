import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  createNotificationSandbox,
  type NotificationSandboxResponse,
} from "@orders/core/notification";
import type { Context } from "aws-lambda";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { documents } from "./lib/clients";
import { logger } from "./lib/observability";
import { Resource } from "./lib/resource";

// The sandbox notification provider as its own HTTP service, like a real
// email/SMS API: POST /v1/messages (idempotent on its Idempotency-Key header),
// GET /v1/ledger?reference=… (requests and deliveries) for tests, the console
// and the invariant checker. On AWS it runs behind a function URL with IAM
// auth (`handler`); the local cloud serves the same function on a loopback
// port and applies outages and latency in front of it, so this code has no
// fault switches of its own.

export interface NotificationSandboxOptions {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
  now?: () => Date;
}

export function createNotificationSandboxApp(options: NotificationSandboxOptions) {
  const sandbox = createNotificationSandbox({
    doc: options.doc,
    ledgerTable: options.ledgerTable,
    ...(options.now ? { now: options.now } : {}),
  });
  const app = new Hono();
  const reply = (
    c: {
      json: (body: unknown, status: ContentfulStatusCode) => Response;
      header: (name: string, value: string) => void;
    },
    r: NotificationSandboxResponse,
  ) => {
    if (r.replayed) c.header("idempotent-replayed", "true");
    return c.json(r.body, r.status as ContentfulStatusCode);
  };

  app.get("/health", (c) => c.json({ ok: true, service: "notification-sandbox" }));

  app.post("/v1/messages", async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ code: "INVALID_REQUEST", message: "Body must be JSON" }, 400);
    }
    const key = c.req.header("idempotency-key") || undefined;
    const response = await sandbox.send(body, key);
    if (response.status === 202 && !response.replayed)
      logger.info("notification delivered", { idempotencyKey: key, ...response.body });
    return reply(c, response);
  });

  app.get("/v1/ledger", async (c) => {
    const reference = c.req.query("reference");
    if (!reference) return c.json({ code: "REFERENCE_REQUIRED", message: "Pass ?reference=" }, 400);
    return c.json(await sandbox.ledger(reference));
  });

  app.notFound((c) => c.json({ code: "NOT_FOUND", message: "No such route" }, 404));
  app.onError((error, c) => {
    logger.error("sandbox error", { error });
    return c.json({ code: "INTERNAL", message: "Sandbox provider error" }, 500);
  });
  return app;
}

let lambda: ReturnType<typeof handle> | undefined;
export const handler = (event: Parameters<ReturnType<typeof handle>>[0], context: Context) => {
  lambda ??= handle(
    createNotificationSandboxApp({
      doc: documents,
      ledgerTable: Resource.NotificationLedgerTable.name,
    }),
  );
  return lambda(event, context);
};
