import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { eventFor } from "@orders/core/events";
import { type NotificationLedger, notificationKey } from "@orders/core/notification";
import { getOrder, type OrderRecord } from "@orders/core/order";
import { httpEvent, sqsEvent } from "@orders/functions/lib/test-events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminFetch } from "../test/signed-fetch";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { fakeCredentials, REGION } from "./config";
import { deployment } from "./graph";

// A notification is sent once per (order, status, channel), shown on the real
// local components: the handlers in the Lambda runner, DynamoDB Local, and the
// notification provider behind its local function URL, whose ledger is the
// provider's word on what went out. The faults are the local cloud's, in front
// of that URL: an answer lost after the provider delivered (the notifier
// cannot record: a crash between send and record) and an outage.

let dir: string;
let cloud: LocalCloud;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "notifications-"));
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

const db = () => ({ doc, ordersTable: deployment().tables.OrdersTable.name });

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
  return (await getOrder(db(), JSON.parse(body).orderId))!;
}

/** One SQS message of the email queue carrying the order's OrderPlaced event. */
function placedMessage(order: OrderRecord) {
  const entry = eventFor("INSERT", undefined, order)!;
  const busEvent = {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": entry.DetailType,
    source: entry.Source,
    time: entry.Time.toISOString(),
    region: REGION,
    account: "000000000000",
    resources: [],
    detail: JSON.parse(entry.Detail),
  };
  return sqsEvent([busEvent], deployment().queues.EmailQueue.arn);
}

async function deliver(message: ReturnType<typeof placedMessage>) {
  const out = await cloud.runner.invoke("Notifier", message);
  expect(out.functionError).toBeUndefined();
  return (out.payload as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures;
}

async function ledger(orderId: string) {
  const response = await adminFetch(
    `${cloud.urls.notificationProvider}/v1/ledger?reference=${orderId}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as NotificationLedger;
}

describe("notifications on the local cloud", () => {
  it("a crash after send, then the same message delivered twice at once: one delivery, recorded once", async () => {
    const order = await placeOrder();
    const message = placedMessage(order);
    const key = notificationKey(order.orderId, "ACCEPTED", "email");

    // The provider delivers; its answer never reaches the notifier.
    cloud.faults.NotificationSandbox.loseResponse = true;
    try {
      expect(await deliver(message)).toHaveLength(1); // back to the queue
    } finally {
      cloud.faults.NotificationSandbox.loseResponse = false;
    }
    expect((await ledger(order.orderId)).deliveries).toHaveLength(1);
    expect((await getOrder(db(), order.orderId))?.notifications).toBeUndefined();

    // The redelivery, and a duplicate of it racing it: the provider is slow, so
    // both have checked the order (nothing recorded) before either can record.
    cloud.faults.NotificationSandbox.latencyMs = 2_000;
    try {
      expect(await Promise.all([deliver(message), deliver(message)])).toEqual([[], []]);
    } finally {
      cloud.faults.NotificationSandbox.latencyMs = 0;
    }

    const { requests, deliveries } = await ledger(order.orderId);
    expect(deliveries).toEqual([
      expect.objectContaining({ idempotencyKey: key, channel: "email", to: order.customerId }),
    ]);
    expect(requests.map((r) => r.outcome).sort()).toEqual(["delivered", "replayed", "replayed"]);
    const recorded = (await getOrder(db(), order.orderId))!;
    expect(recorded.notifications).toEqual([key]);
    const sent = recorded.journal.filter((e) => e.kind === "NOTIFICATION_SENT");
    expect(sent).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ deliveryId: deliveries[0]!.id }) }),
    ]);

    // Later redeliveries (a replay, a redrive) stop at the order's record.
    expect(await deliver(message)).toEqual([]);
    expect((await ledger(order.orderId)).requests).toHaveLength(3);
  });

  it("a provider outage fails the record, which is retried; nothing is recorded meanwhile", async () => {
    const order = await placeOrder();
    const message = placedMessage(order);
    cloud.faults.NotificationSandbox.outage = true;
    try {
      expect(await deliver(message)).toHaveLength(1);
    } finally {
      cloud.faults.NotificationSandbox.outage = false;
    }
    expect(await ledger(order.orderId)).toEqual({
      reference: order.orderId,
      requests: [],
      deliveries: [],
    });
    expect((await getOrder(db(), order.orderId))?.notifications).toBeUndefined();
    expect(await deliver(message)).toEqual([]);
    expect((await ledger(order.orderId)).deliveries).toHaveLength(1);
  });
});
