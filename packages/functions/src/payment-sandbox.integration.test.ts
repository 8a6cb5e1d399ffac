import {
  type Authorization,
  CircuitBreaker,
  CircuitOpenError,
  createHttpPaymentProvider,
  type OrderLedger,
  ProviderUnavailable,
  withCircuitBreaker,
} from "@orders/core/payment";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The sandbox provider as a client sees it: idempotency keys, test cards, and
// the circuit breaker in front of it. It has no fault switch of its own: an
// outage is the platform's, in front of its URL (the local cloud's faults,
// packages/local/src/cloud/function-url.ts); here, a fetch that answers 503.

let ddb: DynamoDbLocal;
let app: ReturnType<typeof import("./payment-sandbox").createPaymentSandboxApp>;
let createApp: typeof import("./payment-sandbox").createPaymentSandboxApp;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  Object.assign(process.env, linkEnv({}, ddb.endpoint));
  createApp = (await import("./payment-sandbox")).createPaymentSandboxApp;
  app = createApp({
    doc: ddb.doc,
    ledgerTable: ddb.tableNames.PaymentLedgerTable,
    sleep: async () => {},
  });
});
afterAll(() => ddb?.stop());

const post = (path: string, body: unknown, key?: string) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: JSON.stringify(body),
  });
const authorize = (
  orderId: string,
  card = "tok_approve",
  key = `k-${orderId}`,
  amountCents = 1_000,
) => post("/v1/authorizations", { orderId, amountCents, currency: "USD", card }, key);

describe("sandbox payment provider", () => {
  it("replays the first answer for a repeated key, refuses a reused key with another body", async () => {
    const first = await authorize("o1");
    expect(first.status).toBe(201);
    const again = await authorize("o1");
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await first.clone().json());
    const reused = await authorize("o1", "tok_approve", "k-o1", 2_000);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    const ledger = (await (await app.request("/v1/ledger?orderId=o1")).json()) as OrderLedger;
    expect(ledger.authorizations).toHaveLength(1);
  });

  it("creates one authorisation from concurrent requests with one key", async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => authorize("o-concurrent")),
    );
    expect(responses.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    const ledger = (await (
      await app.request("/v1/ledger?orderId=o-concurrent")
    ).json()) as OrderLedger;
    expect(ledger.authorizations).toHaveLength(1);
  });

  it("declines with 402 and the declined authorisation; requires a key", async () => {
    const declined = await authorize("o2", "tok_decline");
    expect(declined.status).toBe(402);
    expect(await declined.json()).toMatchObject({
      code: "CARD_DECLINED",
      authorization: { status: "declined", declineCode: "card_declined" },
    });
    expect(
      (
        await post("/v1/authorizations", {
          orderId: "o2",
          amountCents: 1,
          currency: "USD",
          card: "tok_approve",
        })
      ).status,
    ).toBe(400);
  });

  it("captures, refuses to void a capture (409 with state), refunds", async () => {
    const { authorization } = (await (await authorize("o3")).json()) as {
      authorization: Authorization;
    };
    expect(
      (await post(`/v1/authorizations/${authorization.id}/capture`, {}, "cap-o3")).status,
    ).toBe(200);
    const voided = await post(`/v1/authorizations/${authorization.id}/void`, {}, "void-o3");
    expect(voided.status).toBe(409);
    expect(await voided.json()).toMatchObject({
      code: "INVALID_STATE",
      authorization: { status: "captured" },
    });
    const refunded = (await (
      await post(`/v1/authorizations/${authorization.id}/refund`, {}, "ref-o3")
    ).json()) as {
      authorization: Authorization;
    };
    expect(refunded.authorization).toMatchObject({ status: "refunded", refundedCents: 1_000 });
  });

  it("fails tok_transient's first attempts without storing them, then authorises", async () => {
    expect((await authorize("o4", "tok_transient")).status).toBe(503);
    expect((await authorize("o4", "tok_transient")).status).toBe(503);
    expect((await authorize("o4", "tok_transient")).status).toBe(201);
  });

  it("has no control route: nothing a caller sends takes it down", async () => {
    const control = await post("/sandbox/control", { outage: true });
    expect(control.status).toBe(404);
    expect(await control.json()).toMatchObject({ code: "NOT_FOUND" });
    expect((await authorize("o5")).status).toBe(201);
  });

  it("opens the circuit after consecutive outage failures and closes after the cool-down", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, now: () => now });
    let calls = 0;
    let down = true;
    const provider = withCircuitBreaker(
      createHttpPaymentProvider({
        baseUrl: "http://sandbox",
        fetch: (async (url: string, init: RequestInit) => {
          calls++;
          return down
            ? Response.json({ code: "SERVICE_UNAVAILABLE", message: "down" }, { status: 503 })
            : app.request(url, init);
        }) as typeof fetch,
      }),
      breaker,
    );
    for (let i = 0; i < 3; i++) {
      await expect(
        provider.authorize(
          { orderId: "o6", amountCents: 1, currency: "USD", card: "tok_approve" },
          "k-o6",
        ),
      ).rejects.toBeInstanceOf(ProviderUnavailable);
    }
    await expect(
      provider.authorize(
        { orderId: "o6", amountCents: 1, currency: "USD", card: "tok_approve" },
        "k-o6",
      ),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(3);
    down = false;
    now += 1_000;
    await expect(
      provider.authorize(
        { orderId: "o6", amountCents: 1, currency: "USD", card: "tok_approve" },
        "k-o6",
      ),
    ).resolves.toMatchObject({ status: "authorized" });
    expect(breaker.state).toBe("closed");
  });
});
