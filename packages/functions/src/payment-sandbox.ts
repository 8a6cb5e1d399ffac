import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createSandbox, type SandboxControl, type SandboxResponse } from "@orders/core/payment";
import type { Context } from "aws-lambda";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { documents } from "./lib/clients";
import { logger } from "./lib/observability";
import { Resource } from "./lib/resource";

// The sandbox payment provider as its own HTTP service, like a real PSP's test
// mode: POST /v1/authorizations, /v1/authorizations/:id/{capture,void,refund}
// (each idempotent on its Idempotency-Key header), GET /v1/authorizations/:id,
// GET /v1/ledger?orderId=… for the console and the invariant checker.
// On AWS it runs behind a function URL (`handler`); the local cloud serves
// `createPaymentSandboxApp` on its own loopback port.
//
// /sandbox/control (GET state, POST { outage?, latencyMs? }) exists only when
// PAYMENT_SANDBOX_CONTROL=1 — set by the local cloud, never on AWS. A function
// runs in several environments at once, each with its own memory, so the local
// cloud's function URL owns that state and hands it to every invocation in the
// `x-sandbox-control` header (`controlHeader`).

export interface PaymentSandboxOptions {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
  /** Serve /sandbox/control. Defaults to PAYMENT_SANDBOX_CONTROL=1. */
  controlEnabled?: boolean;
  control?: SandboxControl;
  /** Take the control from each request's `x-sandbox-control` header (local cloud only). */
  controlHeader?: boolean;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

const ControlUpdate = z.strictObject({
  outage: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
});

export const SANDBOX_CONTROL_HEADER = "x-sandbox-control";

export const controlEnabledByEnv = () =>
  ["1", "true"].includes(process.env.PAYMENT_SANDBOX_CONTROL ?? "");

export function createPaymentSandboxApp(options: PaymentSandboxOptions) {
  const control: SandboxControl = options.control ?? { outage: false, latencyMs: 0 };
  const sandbox = createSandbox({
    doc: options.doc,
    ledgerTable: options.ledgerTable,
    control,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const app = new Hono();
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

  if (options.controlHeader) {
    app.use("*", async (c, next) => {
      const header = c.req.header(SANDBOX_CONTROL_HEADER);
      if (header) {
        try {
          const parsed = ControlUpdate.safeParse(JSON.parse(header));
          if (parsed.success)
            Object.assign(
              control,
              Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)),
            );
        } catch {
          // a malformed header leaves the control as it was
        }
      }
      await next();
    });
  }

  app.get("/health", (c) => c.json({ ok: true, service: "payment-sandbox" }));

  app.post("/v1/authorizations", async (c) =>
    reply(c, await sandbox.authorize(await body(c), c.req.header("idempotency-key"))),
  );
  for (const operation of ["capture", "void", "refund"] as const) {
    app.post(`/v1/authorizations/:id/${operation}`, async (c) =>
      reply(
        c,
        await sandbox[operation](c.req.param("id"), await body(c), c.req.header("idempotency-key")),
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

  if (options.controlEnabled ?? controlEnabledByEnv()) {
    app.get("/sandbox/control", (c) => c.json(control));
    app.post("/sandbox/control", async (c) => {
      const parsed = ControlUpdate.safeParse(await body(c));
      if (!parsed.success)
        return c.json({ code: "INVALID_REQUEST", message: parsed.error.message }, 400);
      Object.assign(
        control,
        Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)),
      );
      logger.info("sandbox control changed", { ...control });
      return c.json(control);
    });
  }

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
    createPaymentSandboxApp({
      doc: documents,
      ledgerTable: Resource.PaymentLedgerTable.name,
      controlEnabled: false,
      controlHeader: controlEnabledByEnv(),
    }),
  );
  return lambda(event, context);
};
