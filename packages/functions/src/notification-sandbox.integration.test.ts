import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  createHttpNotificationProvider,
  type NotificationLedger,
  NotificationRejected,
  type NotificationSender,
  notificationKey,
  notifyCustomer,
} from "@orders/core/notification";
import { orderKey } from "@orders/core/order";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch } from "./lib/serve";

// The sandbox notification provider as a sender sees it (over real HTTP, on
// DynamoDB Local): one delivery per idempotency key however many requests
// carry it, and what a provider without keys gives the notifier.

let ddb: DynamoDbLocal;
let provider: Awaited<ReturnType<typeof serveFetch>>;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  Object.assign(process.env, linkEnv({}, ddb.endpoint));
  const { createNotificationSandboxApp } = await import("./notification-sandbox");
  provider = await serveFetch(
    createNotificationSandboxApp({
      doc: ddb.doc,
      ledgerTable: ddb.tableNames.NotificationLedgerTable,
    }).fetch,
  );
});
afterAll(async () => {
  await provider?.close();
  await ddb?.stop();
});

const message = (reference: string, text = "Your order is on its way.") => ({
  channel: "email",
  to: "alice",
  subject: `Order ${reference}: FULFILLED`,
  text,
  reference,
  metadata: { status: "FULFILLED" },
});
const send = (body: unknown, key?: string) =>
  fetch(`${provider.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const ledger = async (reference: string) =>
  (await (
    await fetch(`${provider.url}/v1/ledger?reference=${reference}`)
  ).json()) as NotificationLedger;

describe("sandbox notification provider", () => {
  it("delivers a key once: the same key replays the answer, a reused key with another body is a 409", async () => {
    const ref = `ord-${randomUUID()}`;
    const first = await send(message(ref), `k-${ref}`);
    expect(first.status).toBe(202);
    const again = await send(message(ref), `k-${ref}`);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    const reused = await send(message(ref, "Something else"), `k-${ref}`);
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });

    const { requests, deliveries } = await ledger(ref);
    expect(deliveries).toHaveLength(1);
    expect(requests.map((r) => r.outcome).sort()).toEqual(["conflict", "delivered", "replayed"]);
  });

  it("delivers once for concurrent requests with one key", async () => {
    const ref = `ord-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(message(ref), `k-${ref}`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const ids = new Set(
      await Promise.all(
        answers.map(async (a) => ((await a.json()) as { delivery: { id: string } }).delivery.id),
      ),
    );
    expect(ids.size).toBe(1);
    const { requests, deliveries } = await ledger(ref);
    expect(deliveries).toHaveLength(1);
    expect(requests).toHaveLength(8);
  });

  it("delivers every request that carries no key", async () => {
    const ref = `ord-${randomUUID()}`;
    await send(message(ref));
    await send(message(ref));
    expect((await ledger(ref)).deliveries).toHaveLength(2);
  });

  it("refuses a malformed message with a stable code and records nothing", async () => {
    const ref = `ord-${randomUUID()}`;
    const bad = await send({ ...message(ref), channel: "pigeon" }, `k-${ref}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "INVALID_REQUEST" });
    expect((await send("{", `k-${ref}`)).status).toBe(400);
    expect(await ledger(ref)).toEqual({ reference: ref, requests: [], deliveries: [] });
    expect((await fetch(`${provider.url}/v1/ledger`)).status).toBe(400);
  });
});

describe("notifyCustomer against the provider", () => {
  const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });
  async function anOrder() {
    const orderId = `ord_${randomUUID().replaceAll("-", "")}`;
    await ddb.doc.send(
      new PutCommand({
        TableName: ddb.tableNames.OrdersTable,
        Item: { ...orderKey(orderId), orderId, journal: [] },
      }),
    );
    return orderId;
  }
  const input = (orderId: string) => ({
    eventId: `${orderId}:status:FULFILLED`,
    orderId,
    correlationId: "c-1",
    customerId: "alice",
    channel: "email" as const,
    status: "FULFILLED",
    totalCents: 1_000,
    currency: "USD",
  });
  /** The process dies after the provider answered, before the order records it. */
  const crashAfterSend = (sender: NotificationSender): NotificationSender => ({
    async send(request, key) {
      await sender.send(request, key);
      throw new Error("crashed after send");
    },
  });
  /** A provider with no idempotency keys: every request is a fresh one. */
  const withoutKeys = (sender: NotificationSender): NotificationSender => ({
    send: (request) => sender.send(request, randomUUID()),
  });
  const http = () => createHttpNotificationProvider({ baseUrl: provider.url });

  it("a crash between send and record, a redelivery and a racing duplicate: one delivery, one record", async () => {
    const orderId = await anOrder();
    await expect(
      notifyCustomer({ db: db(), sender: crashAfterSend(http()) }, input(orderId)),
    ).rejects.toThrow(/crashed after send/);
    const [a, b] = await Promise.all([
      notifyCustomer({ db: db(), sender: http() }, input(orderId)),
      notifyCustomer({ db: db(), sender: http() }, input(orderId)),
    ]);
    expect([a.outcome, b.outcome]).toEqual(["sent", "sent"]);
    const { requests, deliveries } = await ledger(orderId);
    expect(requests).toHaveLength(3);
    expect(deliveries).toEqual([
      expect.objectContaining({ idempotencyKey: notificationKey(orderId, "FULFILLED", "email") }),
    ]);
    // Recorded once on the order, whichever racer wrote it.
    expect([a, b].filter((r) => r.outcome === "sent" && r.recorded)).toHaveLength(1);
    const again = await notifyCustomer({ db: db(), sender: http() }, input(orderId));
    expect(again.outcome).toBe("already-recorded");
  });

  it("without an idempotency key the same crash resends: at-least-once, as the README says", async () => {
    const orderId = await anOrder();
    await expect(
      notifyCustomer({ db: db(), sender: crashAfterSend(withoutKeys(http())) }, input(orderId)),
    ).rejects.toThrow();
    await notifyCustomer({ db: db(), sender: withoutKeys(http()) }, input(orderId));
    expect((await ledger(orderId)).deliveries).toHaveLength(2);
  });

  it("a refused send records nothing, so the message is retried and then dead-lettered", async () => {
    const orderId = await anOrder();
    const key = notificationKey(orderId, "FULFILLED", "email");
    await send({ ...message(orderId, "another body") }, key);
    await expect(
      notifyCustomer({ db: db(), sender: http() }, input(orderId)),
    ).rejects.toBeInstanceOf(NotificationRejected);
    const stored = await ddb.doc.send(
      new GetCommand({ TableName: ddb.tableNames.OrdersTable, Key: orderKey(orderId) }),
    );
    expect(stored.Item?.notifications).toBeUndefined();
  });
});
