import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { eventFor } from "@orders/core/events";
import { getOrder, type OrderRecord } from "@orders/core/order";
import type { OrderLedger } from "@orders/core/payment";
import { httpEvent, sqsEvent } from "@orders/functions/lib/test-events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminFetch } from "../test/signed-fetch";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { fakeCredentials, REGION } from "./config";
import { deployment } from "./graph";

// The sandbox providers' outages are the local cloud's, set in front of their
// function URLs through the web origin's /_local/faults (what the e2e outage
// scenario uses): the payment worker's call gets a 503 that never reached the
// sandbox function, and once the fault clears the same message authorises.

let dir: string;
let cloud: LocalCloud;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "provider-faults-"));
  cloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    mappings: false, // deliveries are this test's to make
    hotReload: false,
  });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials }),
  );
});
afterAll(async () => {
  doc?.destroy();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setFaults(body: unknown) {
  const response = await fetch(`${cloud.urls.web}/_local/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function placeOrder(): Promise<OrderRecord> {
  const out = await cloud.runner.invoke(
    "Ingress",
    httpEvent({
      sub: "alice",
      body: { lines: [{ sku: "SKU-MOUSE", quantity: 1 }], payment: { card: "tok_approve" } },
      headers: { "idempotency-key": crypto.randomUUID() },
    }),
  );
  const { statusCode, body } = out.payload as { statusCode: number; body: string };
  expect(statusCode).toBe(202);
  const db = { doc, ordersTable: deployment().tables.OrdersTable.name };
  return (await getOrder(db, JSON.parse(body).orderId))!;
}

/** One PaymentQueue message carrying the order's OrderPlaced event, as the bus rule sends it. */
function placedMessage(order: OrderRecord) {
  const entry = eventFor("INSERT", undefined, order)!;
  return sqsEvent([
    {
      version: "0",
      id: crypto.randomUUID(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      time: entry.Time.toISOString(),
      region: REGION,
      account: "000000000000",
      resources: [],
      detail: JSON.parse(entry.Detail),
    },
  ]);
}

async function deliver(message: ReturnType<typeof placedMessage>) {
  const out = await cloud.runner.invoke("PaymentWorker", message);
  expect(out.functionError).toBeUndefined();
  return (out.payload as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures;
}

const sandboxInvocations = () => cloud.runner.stats().PaymentSandbox?.invocations ?? 0;

async function ledger(orderId: string) {
  const response = await adminFetch(`${cloud.urls.paymentProvider}/v1/ledger?orderId=${orderId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as OrderLedger;
}

describe("sandbox provider faults on the local cloud", () => {
  it("a payment provider outage answers the worker 503 without invoking the sandbox, and clears", async () => {
    const order = await placeOrder();
    const message = placedMessage(order);

    const down = await setFaults({ PaymentSandbox: "down" });
    expect(down.status).toBe(200);
    const before = sandboxInvocations();
    try {
      expect(await deliver(message)).toHaveLength(1); // back to the queue
      const failed = cloud.runner.logs
        .recent({ functionName: "PaymentWorker", limit: 200 })
        .filter((l) => l.message.includes(order.orderId) && /payment provider 503/.test(l.message));
      expect(failed.length).toBeGreaterThan(0);
      expect(sandboxInvocations()).toBe(before);
      // Every route is down, not only the worker's: the URL answers for the provider.
      const direct = await adminFetch(
        `${cloud.urls.paymentProvider}/v1/ledger?orderId=${order.orderId}`,
      );
      expect(direct.status).toBe(503);
      expect(await direct.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(sandboxInvocations()).toBe(before);
      expect(down.body).toMatchObject({
        PaymentSandbox: { state: "down" },
        NotificationSandbox: { state: "up" },
      });
    } finally {
      await setFaults({ PaymentSandbox: "up" });
    }
    expect(cloud.faults.PaymentSandbox).toEqual({});
    expect((await ledger(order.orderId)).authorizations).toEqual([]);

    expect(await deliver(message)).toEqual([]);
    expect(sandboxInvocations()).toBeGreaterThan(before);
    expect((await ledger(order.orderId)).authorizations).toMatchObject([{ status: "authorized" }]);
  });

  it("switches either provider, and refuses what it does not know with a stable code", async () => {
    const slow = await setFaults({ NotificationSandbox: { latencyMs: 50, loseResponse: true } });
    expect(slow.status).toBe(200);
    expect(cloud.faults.NotificationSandbox).toEqual({ latencyMs: 50, loseResponse: true });
    expect(cloud.faults.PaymentSandbox).toEqual({});
    await setFaults({ NotificationSandbox: "up" });
    expect(cloud.faults.NotificationSandbox).toEqual({});

    expect(await setFaults({ PaymentProvider: "down" })).toMatchObject({
      status: 400,
      body: { code: "UNKNOWN_FAULT" },
    });
    expect(await setFaults({ PaymentSandbox: "sideways" })).toMatchObject({
      status: 400,
      body: { code: "INVALID_FAULT_STATE" },
    });
    expect(await setFaults({ PaymentSandbox: { outage: "yes" } })).toMatchObject({
      status: 400,
      body: { code: "INVALID_FAULT_STATE" },
    });
    expect(cloud.faults).toEqual({ PaymentSandbox: {}, NotificationSandbox: {} });
  });
});
