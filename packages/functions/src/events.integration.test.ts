import { randomUUID } from "node:crypto";
import { marshall } from "@aws-sdk/util-dynamodb";
import { eventFor } from "@orders/core/events";
import { seedCatalog } from "@orders/core/inventory";
import { getOrder, getOrderDetails } from "@orders/core/order";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { detailTypes, orderPolicy } from "@orders/core/topology";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch } from "./lib/serve";
import { httpEvent, sqsEvent } from "./lib/test-events";

// The outbox publisher and the notifier. DynamoDB is DynamoDB Local;
// EventBridge is a stand-in speaking the PutEvents wire protocol (the real
// local bus is the local cloud's), which can fail chosen entries.

let ddb: DynamoDbLocal;
let bus: Awaited<ReturnType<typeof serveFetch>>;
let notifications: Awaited<ReturnType<typeof serveFetch>>;
const published: { DetailType: string; Detail: string; EventBusName: string }[] = [];
const failNext = new Set<string>();
const failAlways = new Set<string>();
let publisher: typeof import("./stream-publisher").handler;
let notifier: typeof import("./notifier").handler;
let ingress: typeof import("./ingress").handler;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  bus = await serveFetch(async (request) => {
    const { Entries } = (await request.json()) as {
      Entries: { DetailType: string; Detail: string; EventBusName: string }[];
    };
    const results = Entries.map((entry) => {
      const orderId = JSON.parse(entry.Detail).orderId as string;
      if (failNext.delete(`${entry.DetailType}:${orderId}`) || failAlways.has(orderId))
        return { ErrorCode: "InternalException", ErrorMessage: "injected" };
      published.push(entry);
      return { EventId: randomUUID() };
    });
    return Response.json({
      FailedEntryCount: results.filter((r) => "ErrorCode" in r).length,
      Entries: results,
    });
  });
  Object.assign(process.env, linkEnv({}, ddb.endpoint));
  const { createNotificationSandboxApp } = await import("./notification-sandbox");
  notifications = await serveFetch(
    createNotificationSandboxApp({
      doc: ddb.doc,
      ledgerTable: ddb.tableNames.NotificationLedgerTable,
    }).fetch,
  );
  Object.assign(
    process.env,
    linkEnv(
      {
        OrdersTable: { name: ddb.tableNames.OrdersTable },
        InventoryTable: { name: ddb.tableNames.InventoryTable },
        IdempotencyTable: { name: ddb.tableNames.IdempotencyTable },
        NotificationProvider: { url: notifications.url },
        Bus: {
          name: "orders-bus",
          arn: "arn:aws:events:us-east-1:000000000000:event-bus/orders-bus",
        },
        OrderPolicy: orderPolicy,
      },
      ddb.endpoint,
    ),
  );
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.url;
  await seedCatalog({ doc: ddb.doc, inventoryTable: ddb.tableNames.InventoryTable });
  publisher = (await import("./stream-publisher")).handler;
  notifier = (await import("./notifier")).handler;
  ingress = (await import("./ingress")).handler;
});
afterAll(async () => {
  await bus?.close();
  await notifications?.close();
  await ddb?.stop();
});

const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });

async function newOrder() {
  const result = await ingress(
    httpEvent({
      sub: "alice",
      body: { lines: [{ sku: "SKU-MOUSE", quantity: 1 }], payment: { card: "tok_approve" } },
    }),
  );
  return (await getOrder(db(), JSON.parse(result.body!).orderId))!;
}

const streamRecord = (
  name: "INSERT" | "MODIFY",
  oldImage: object | undefined,
  newImage: object,
  seq: number,
) => ({
  eventID: randomUUID(),
  eventName: name,
  eventSource: "aws:dynamodb",
  dynamodb: {
    SequenceNumber: String(seq),
    ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) } : {}),
    NewImage: marshall(newImage, { removeUndefinedValues: true }),
    StreamViewType: "NEW_AND_OLD_IMAGES",
  },
});

describe("stream publisher (outbox)", () => {
  it("publishes OrderPlaced.v1 and OrderStatusChanged.v1, skips the rest, and reports only failed records", async () => {
    const a = await newOrder();
    const b = await newOrder();
    const processing = { ...a, status: "PROCESSING", statusChangedAt: new Date().toISOString() };
    failNext.add(`${detailTypes.OrderPlaced}:${b.orderId}`); // fails once, then the retry succeeds
    const event = {
      Records: [
        streamRecord("INSERT", undefined, a, 1),
        streamRecord("INSERT", undefined, b, 2),
        streamRecord("MODIFY", a, processing, 3),
        streamRecord("MODIFY", processing, { ...processing, journal: [] }, 4),
        streamRecord(
          "INSERT",
          undefined,
          { pk: `ORDER#${a.orderId}`, sk: "PAYMENT", entity: "PAYMENT" },
          5,
        ),
      ],
    } as unknown as DynamoDBStreamEvent;
    published.length = 0;
    const result = await publisher(event);
    // b's entry failed once and was retried alone inside the same invocation.
    expect(result.batchItemFailures).toEqual([]);
    expect(published.map((p) => p.DetailType).sort()).toEqual(
      [detailTypes.OrderPlaced, detailTypes.OrderPlaced, detailTypes.OrderStatusChanged].sort(),
    );
    expect(published.every((p) => p.EventBusName === "orders-bus")).toBe(true);
    const changed = JSON.parse(
      published.find((p) => p.DetailType === detailTypes.OrderStatusChanged)!.Detail,
    );
    expect(changed).toMatchObject({
      orderId: a.orderId,
      from: "ACCEPTED",
      to: "PROCESSING",
      correlationId: a.correlationId,
    });
  });

  it("hands a record back when its event cannot be published, and publishes it on the retry", async () => {
    const ok = await newOrder();
    const c = await newOrder();
    failAlways.add(c.orderId);
    const event = {
      Records: [streamRecord("INSERT", undefined, ok, 6), streamRecord("INSERT", undefined, c, 7)],
    } as unknown as DynamoDBStreamEvent;
    const failed = await publisher(event);
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: "7" }]);
    // Lambda retries from the failed record on; the duplicate it re-publishes is identical.
    failAlways.clear();
    published.length = 0;
    const retry = { Records: event.Records.slice(1) } as DynamoDBStreamEvent;
    expect((await publisher(retry)).batchItemFailures).toEqual([]);
    expect(published.map((p) => JSON.parse(p.Detail).orderId)).toEqual([c.orderId]);
    // A batch whose every record fails throws, so Lambda bisects and retries it.
    failAlways.add(c.orderId);
    await expect(publisher(retry)).rejects.toThrow(/All records failed/);
    failAlways.clear();
  });
});

describe("notifier", () => {
  it("notifies once per (order, status, channel) and records it on the order", async () => {
    const order = await newOrder();
    const entry = eventFor("INSERT", undefined, order)!;
    const busEvent = {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      time: entry.Time.toISOString(),
      region: "us-east-1",
      account: "0",
      resources: [],
      detail: JSON.parse(entry.Detail),
    };
    const emailArn = "arn:aws:sqs:us-east-1:000000000000:orders-test-EmailQueue-abc";
    const smsArn = "arn:aws:sqs:us-east-1:000000000000:orders-test-SmsQueue-abc";
    expect((await notifier(sqsEvent([busEvent], emailArn))).batchItemFailures).toEqual([]);
    // A duplicate publish (new EventBridge id, same eventId), a redelivery, and the other channel.
    await notifier(sqsEvent([{ ...busEvent, id: randomUUID() }, busEvent], emailArn));
    await notifier(sqsEvent([busEvent], smsArn));
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.order.notifications?.sort()).toEqual([
      `${order.orderId}:ACCEPTED#email`,
      `${order.orderId}:ACCEPTED#sms`,
    ]);
    expect(details.timeline.filter((e) => e.kind === "NOTIFICATION_SENT")).toHaveLength(2);
    const ledger = await fetch(`${notifications.url}/v1/ledger?reference=${order.orderId}`);
    expect(((await ledger.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(2);
  });

  it("sends a malformed message back to the queue (→ DLQ after maxReceiveCount)", async () => {
    const result = await notifier(sqsEvent(["{}"], "arn:aws:sqs:us-east-1:0:EmailQueue"));
    expect(result.batchItemFailures).toHaveLength(1);
  });
});
