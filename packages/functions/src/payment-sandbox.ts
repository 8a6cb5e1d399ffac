import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createSandbox, type SandboxResponse } from "@orders/core/payment";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { documents } from "./lib/clients";
import { Resource } from "./lib/resource";
import { functionUrlHandler, sandboxProviderApp } from "./lib/sandbox-provider";

// The sandbox payment provider as its own HTTP service, like a real PSP's test
// mode: POST /v1/authorizations, /v1/authorizations/:id/{capture,void,refund}
// (each idempotent on its Idempotency-Key header), GET /v1/authorizations/:id,
// GET /v1/ledger?orderId=… for the console and the invariant checker.
// On AWS it runs behind a function URL (`handler`); the local cloud serves
// `createPaymentSandboxApp` on its own loopback port.
//
// It has no fault switches: an outage or latency is the platform's, injected in
// front of its function URL by the local cloud (cloud/function-url.ts), so the
// code that runs here is the code that runs on AWS.

export interface PaymentSandboxOptions {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export function createPaymentSandboxApp(options: PaymentSandboxOptions) {
  const sandbox = createSandbox({
    doc: options.doc,
    ledgerTable: options.ledgerTable,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return sandboxProviderApp("payment-sandbox", (app) => {
    const reply = (
      c: { json: (body: unknown, status: ContentfulStatusCode) => Response },
      r: SandboxResponse,
    ) => c.json(r.body, r.status as ContentfulStatusCode);
    const body = async (c: { req: { text: () => Promise<string> } }) => {
      const text = await c.req.text();
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    };

    app.post("/v1/authorizations", async (c) =>
      reply(c, await sandbox.authorize(await body(c), c.req.header("idempotency-key"))),
    );
    for (const operation of ["capture", "void", "refund"] as const) {
      app.post(`/v1/authorizations/:id/${operation}`, async (c) =>
        reply(
          c,
          await sandbox[operation](
            c.req.param("id"),
            await body(c),
            c.req.header("idempotency-key"),
          ),
        ),
      );
    }
    app.get("/v1/authorizations/:id", async (c) => {
      const authorization = await sandbox.getAuthorization(c.req.param("id"));
      return authorization
        ? c.json({ authorization })
        : c.json({ code: "NOT_FOUND", message: "No such authorisation" }, 404);
    });
    app.get("/v1/ledger", async (c) => {
      const orderId = c.req.query("orderId");
      if (!orderId) return c.json({ code: "ORDER_ID_REQUIRED", message: "Pass ?orderId=" }, 400);
      return c.json(await sandbox.ledger(orderId));
    });
  });
}

export const handler = functionUrlHandler(() =>
  createPaymentSandboxApp({ doc: documents, ledgerTable: Resource.PaymentLedgerTable.name }),
);
