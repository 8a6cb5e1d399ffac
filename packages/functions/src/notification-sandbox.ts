import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  createNotificationSandbox,
  type NotificationSandboxResponse,
} from "@orders/core/notification";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { documents } from "./lib/clients";
import { logger } from "./lib/observability";
import { Resource } from "./lib/resource";
import { functionUrlHandler, sandboxProviderApp } from "./lib/sandbox-provider";

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
  return sandboxProviderApp("notification-sandbox", (app) => {
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
      if (!reference)
        return c.json({ code: "REFERENCE_REQUIRED", message: "Pass ?reference=" }, 400);
      return c.json(await sandbox.ledger(reference));
    });
  });
}

export const handler = functionUrlHandler(() =>
  createNotificationSandboxApp({
    doc: documents,
    ledgerTable: Resource.NotificationLedgerTable.name,
  }),
);
