import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { eventFor } from "@orders/core/events";
import { seedCatalog, stockKey } from "@orders/core/inventory";
import { getOrder, getOrderDetails } from "@orders/core/order";
import {
  authorizeOrderPayment,
  createHttpPaymentProvider,
  getPayment,
  type OrderLedger,
  providerKeys,
  voidPayment,
} from "@orders/core/payment";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { orderPolicy } from "@orders/core/topology";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serveFetch } from "./lib/serve";
import { httpEvent, lambdaContext, sqsEvent } from "./lib/test-events";

// The pipeline's asynchronous hops against real DynamoDB Local and the real
// sandbox provider over HTTP: the payment worker, the saga's steps and their
// compensations, each delivered or run more than once.

let ddb: DynamoDbLocal;
let sandbox: Awaited<ReturnType<typeof serveFetch>>;
/** The provider's URL answers 503 without reaching it, as in the local cloud's outage. */
let providerDown = false;
let h: {
  ingress: typeof import("./ingress").handler;
  paymentWorker: typeof import("./payment-worker").handler;
  claim: typeof import("./saga/claim-order").handler;
  reserve: typeof import("./saga/reserve-inventory").handler;
  capture: typeof import("./saga/capture-payment").handler;
  complete: typeof import("./saga/complete-order").handler;
  voidPayment: typeof import("./saga/void-payment").handler;
  release: typeof import("./saga/release-inventory").handler;
  cancel: typeof import("./saga/cancel-order").handler;
};

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  Object.assign(process.env, linkEnv({}, ddb.endpoint));
  const { createPaymentSandboxApp } = await import("./payment-sandbox");
  const provider = createPaymentSandboxApp({
    doc: ddb.doc,
    ledgerTable: ddb.tableNames.PaymentLedgerTable,
  });
  sandbox = await serveFetch((request) =>
    providerDown
      ? Response.json({ code: "SERVICE_UNAVAILABLE", message: "down" }, { status: 503 })
      : provider.fetch(request),
  );
  Object.assign(
    process.env,
    linkEnv(
      {
        OrdersTable: { name: ddb.tableNames.OrdersTable },
        InventoryTable: { name: ddb.tableNames.InventoryTable },
        IdempotencyTable: { name: ddb.tableNames.IdempotencyTable },
        PaymentProvider: { url: sandbox.url },
        OrderPolicy: orderPolicy,
      },
      ddb.endpoint,
    ),
  );
  await seedCatalog({ doc: ddb.doc, inventoryTable: ddb.tableNames.InventoryTable });
  h = {
    ingress: (await import("./ingress")).handler,
    paymentWorker: (await import("./payment-worker")).handler,
    claim: (await import("./saga/claim-order")).handler,
    reserve: (await import("./saga/reserve-inventory")).handler,
    capture: (await import("./saga/capture-payment")).handler,
    complete: (await import("./saga/complete-order")).handler,
    voidPayment: (await import("./saga/void-payment")).handler,
    release: (await import("./saga/release-inventory")).handler,
    cancel: (await import("./saga/cancel-order")).handler,
  };
});
afterAll(async () => {
  await sandbox?.close();
  await ddb?.stop();
});

const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });

async function placeOrder(lines: { sku: string; quantity: number }[], card = "tok_approve") {
  const result = await h.ingress(
    httpEvent({
      sub: "alice",
      body: { lines, payment: { card } },
      headers: { "idempotency-key": randomUUID() },
    }),
  );
  expect(result.statusCode).toBe(202);
  const { orderId } = JSON.parse(result.body ?? "{}") as { orderId: string };
  const order = (await getOrder(db(), orderId))!;
  return { orderId, correlationId: order.correlationId };
}

/** The OrderPlaced.v1 event the outbox publishes for the order, as the payment queue delivers it. */
async function orderPlacedEvent(orderId: string) {
  const item = await ddb.doc.send(
    new GetCommand({
      TableName: ddb.tableNames.OrdersTable,
      Key: { pk: `ORDER#${orderId}`, sk: "META" },
    }),
  );
  const entry = eventFor("INSERT", undefined, item.Item)!;
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": entry.DetailType,
    source: entry.Source,
    account: "000000000000",
    time: entry.Time.toISOString(),
    region: "us-east-1",
    resources: [],
    detail: JSON.parse(entry.Detail),
  };
}

const ledger = async (orderId: string) =>
  (await (await fetch(`${sandbox.url}/v1/ledger?orderId=${orderId}`)).json()) as OrderLedger;
const available = async (sku: string) =>
  (
    await ddb.doc.send(
      new GetCommand({ TableName: ddb.tableNames.InventoryTable, Key: stockKey(sku) }),
    )
  ).Item?.available as number;
const step = (
  o: { orderId: string; correlationId: string },
  executionArn = `arn:exec:${o.orderId}`,
) => ({
  ...o,
  executionArn,
});

describe("payment worker", () => {
  it("authorises once however often the order is delivered", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    const event = await orderPlacedEvent(order.orderId);
    const first = await h.paymentWorker(sqsEvent([event]));
    expect(first.batchItemFailures).toEqual([]);
    // Redelivered (new message ids), twice in one batch and once more later.
    await h.paymentWorker(sqsEvent([event, event]));
    await h.paymentWorker(sqsEvent([{ ...event, id: randomUUID() }]));
    const { authorizations } = await ledger(order.orderId);
    expect(authorizations).toHaveLength(1);
    expect(authorizations[0]).toMatchObject({ status: "authorized", amountCents: 4_900 });
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.payment).toMatchObject({ status: "AUTHORIZED" });
    expect(details.timeline.filter((e) => e.kind === "PAYMENT_AUTHORISED")).toHaveLength(1);
  });

  it("returns only the failed record to the queue; a transient card succeeds on retry", async () => {
    const flaky = await placeOrder([{ sku: "SKU-CABLE", quantity: 1 }], "tok_transient_1");
    const fine = await placeOrder([{ sku: "SKU-CABLE", quantity: 1 }]);
    const batch = sqsEvent([
      await orderPlacedEvent(flaky.orderId),
      await orderPlacedEvent(fine.orderId),
      "not json",
    ]);
    const result = await h.paymentWorker(batch);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [batch.Records[0]!.messageId, batch.Records[2]!.messageId].sort(),
    );
    const retry = await h.paymentWorker(sqsEvent([await orderPlacedEvent(flaky.orderId)]));
    expect(retry.batchItemFailures).toEqual([]);
    expect((await ledger(flaky.orderId)).authorizations).toHaveLength(1);
  });

  it("on a record's last receive, a failure puts where it goes and why on the order's timeline and counts it, once", async () => {
    // The card fails its first three authorisations: receive 4 of 5, then 5
    // of 5 delivered twice (SQS is at least once).
    const order = await placeOrder([{ sku: "SKU-CABLE", quantity: 1 }], "tok_transient_3");
    const { metrics } = await import("./lib/observability");
    const added = vi.spyOn(metrics, "addMetric");
    const dlqArrivals = () => added.mock.calls.filter(([name]) => name === "DlqArrivals").length;
    const deliver = async (batch: SQSEvent) => {
      const result = await h.paymentWorker(batch);
      expect(result.batchItemFailures).toHaveLength(1);
      const details = (await getOrderDetails(db(), order.orderId))!;
      return details.timeline.filter((e) => e.kind === "DLQ_ARRIVAL");
    };
    const receive = async (count: number) => {
      const batch = sqsEvent([await orderPlacedEvent(order.orderId)]);
      batch.Records[0]!.attributes.ApproximateReceiveCount = String(count);
      return batch;
    };
    expect(await deliver(await receive(4))).toEqual([]);
    expect(dlqArrivals()).toBe(0);
    const last = await receive(5);
    expect(await deliver(last)).toHaveLength(1);
    expect(dlqArrivals()).toBe(1);
    const [entry, ...more] = await deliver(last);
    expect(more).toEqual([]);
    expect(dlqArrivals()).toBe(1);
    added.mockRestore();
    expect(entry).toMatchObject({
      actor: "payment-worker",
      correlationId: order.correlationId,
      data: { queue: "PaymentQueue", dlq: "PaymentQueueDlq", attempts: 5 },
    });
    expect(entry!.message).toMatch(
      /last attempt \(receive 5\) from PaymentQueue; it goes to PaymentQueueDlq: \S/,
    );
  });

  it("answers before its timeout: a record still running is returned to the queue alone", async () => {
    const slow = await placeOrder([{ sku: "SKU-CABLE", quantity: 1 }], "tok_slow_4000");
    const fine = await placeOrder([{ sku: "SKU-CABLE", quantity: 1 }]);
    const batch = sqsEvent([
      await orderPlacedEvent(slow.orderId),
      await orderPlacedEvent(fine.orderId),
    ]);
    // 2.5 s left: the slow card's 4 s authorisation cannot finish in time.
    const result = await h.paymentWorker(batch, lambdaContext("PaymentWorker", 2_500));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]!.messageId }]);
    expect((await getPayment(db(), fine.orderId))?.status).toBe("AUTHORIZED");
    // The unfinished record's authorisation completes in the background; its
    // redelivery then finds it recorded and authorises nothing more.
    for (let i = 0; i < 50 && !(await getPayment(db(), slow.orderId)); i++)
      await new Promise((r) => setTimeout(r, 200));
    const redelivered = await h.paymentWorker(sqsEvent([await orderPlacedEvent(slow.orderId)]));
    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await ledger(slow.orderId)).authorizations).toHaveLength(1);
  });

  it("voids a late authorisation when the saga compensated meanwhile", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    const real = createHttpPaymentProvider({ baseUrl: sandbox.url });
    const racing = {
      ...real,
      // The saga compensates (tombstone, then a sweep that finds nothing yet)
      // while our request is in flight; the provider authorises after it.
      authorize: async (...args: Parameters<typeof real.authorize>) => {
        expect(await voidPayment({ ...db(), provider: real }, order)).toEqual({
          outcome: "tombstoned",
        });
        return real.authorize(...args);
      },
    };
    const outcome = await authorizeOrderPayment({ ...db(), provider: racing }, order);
    expect(outcome.outcome).toBe("late-authorization-voided");
    expect((await ledger(order.orderId)).authorizations[0]?.status).toBe("voided");
  });

  // The worker died between the provider's answer and its write: only the
  // provider knows about the authorisation. Compensation must still free it.
  const authoriseUnrecorded = async (order: { orderId: string }, amountCents: number) =>
    createHttpPaymentProvider({ baseUrl: sandbox.url }).authorize(
      { orderId: order.orderId, amountCents, currency: "USD", card: "tok_approve" },
      providerKeys.authorize(order.orderId),
    );

  it("compensation voids an authorisation the worker never recorded", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    const lost = await authoriseUnrecorded(order, 4_900);
    expect(await h.voidPayment(step(order))).toEqual({ outcome: "voided" });
    expect(await h.voidPayment(step(order))).toEqual({ outcome: "nothing-to-do" });
    expect((await ledger(order.orderId)).authorizations).toMatchObject([
      { id: lost.id, status: "voided" },
    ]);
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.payment).toMatchObject({ status: "VOIDED", authorizationId: lost.id });
  });

  it("the worker's next delivery voids it when the provider was down during compensation", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    const lost = await authoriseUnrecorded(order, 4_900);
    providerDown = true;
    const provider = createHttpPaymentProvider({ baseUrl: sandbox.url });
    const compensated = await voidPayment({ ...db(), provider }, order).finally(() => {
      providerDown = false;
    });
    expect(compensated).toEqual({ outcome: "tombstoned" });
    expect((await ledger(order.orderId)).authorizations[0]?.status).toBe("authorized");

    const redelivered = await h.paymentWorker(sqsEvent([await orderPlacedEvent(order.orderId)]));
    expect(redelivered.batchItemFailures).toEqual([]);
    expect((await ledger(order.orderId)).authorizations).toMatchObject([
      { id: lost.id, status: "voided" },
    ]);
  });

  it("compensation refunds a capture whose answer was lost (the saga saw only a timeout)", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    await h.paymentWorker(sqsEvent([await orderPlacedEvent(order.orderId)]));
    const { authorizations } = await ledger(order.orderId);
    // The capture lands at the provider; its answer never reaches the saga.
    await createHttpPaymentProvider({ baseUrl: sandbox.url }).capture(
      authorizations[0]!.id,
      undefined,
      providerKeys.capture(order.orderId),
    );
    expect(await h.voidPayment(step(order))).toEqual({ outcome: "refunded" });
    expect(await h.voidPayment(step(order))).toEqual({ outcome: "nothing-to-do" });
    expect((await ledger(order.orderId)).authorizations).toMatchObject([
      { status: "refunded", capturedCents: 4_900, refundedCents: 4_900 },
    ]);
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.payment).toMatchObject({ status: "REFUNDED" });
    expect(details.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["PAYMENT_CAPTURED", "PAYMENT_REFUNDED"]),
    );
  });

  it("authorises nothing once the saga has already voided", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    await h.voidPayment(step(order));
    await h.paymentWorker(sqsEvent([await orderPlacedEvent(order.orderId)]));
    expect((await ledger(order.orderId)).authorizations).toHaveLength(0);
  });
});

describe("fulfilment saga steps", () => {
  it("fulfils: claim, reserve, capture (pending until authorised), complete — each safe to repeat", async () => {
    const order = await placeOrder([{ sku: "SKU-HEADSET", quantity: 2 }]);
    const before = await available("SKU-HEADSET");
    const lines = [{ sku: "SKU-HEADSET", quantity: 2 }];
    expect(await h.claim(step(order))).toEqual({ claimed: true, lines });
    expect(await h.claim(step(order))).toEqual({ claimed: true, lines }); // retried step
    expect(await h.claim(step(order, "arn:exec:duplicate"))).toEqual({ claimed: false, lines: [] });
    // As the saga calls it (the claim's lines handed on), and as a retry does.
    const reservation = await h.reserve({ ...step(order), lines });
    expect(await h.reserve({ ...step(order), lines })).toEqual(reservation);
    expect(await h.reserve(step(order))).toEqual(reservation);
    expect(await available("SKU-HEADSET")).toBe(before - 2);

    await expect(h.capture(step(order))).rejects.toMatchObject({ name: "PaymentPending" });
    await h.paymentWorker(sqsEvent([await orderPlacedEvent(order.orderId)]));
    const capture = await h.capture(step(order));
    expect(await h.capture(step(order))).toEqual(capture);
    expect(await h.complete(step(order))).toEqual({ status: "FULFILLED" });
    expect(await h.complete(step(order))).toEqual({ status: "FULFILLED" });

    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.order.status).toBe("FULFILLED");
    expect(details.order.reservation?.state).toBe("SHIPPED");
    expect(await available("SKU-HEADSET")).toBe(before - 2);
    expect((await ledger(order.orderId)).authorizations[0]).toMatchObject({
      status: "captured",
      capturedCents: 39_800,
    });
    expect(details.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        "ACCEPTED",
        "ROUTED",
        "SAGA_STARTED",
        "INVENTORY_RESERVED",
        "PAYMENT_AUTHORISED",
        "PAYMENT_CAPTURED",
        "FULFILLED",
      ]),
    );
    // A cancellation cannot undo a fulfilled order.
    expect(await h.cancel({ ...step(order), error: { Error: "Late" } })).toEqual({
      status: "FULFILLED",
    });
  });

  it("compensates a declined card: void, release, cancel — and running them twice changes nothing", async () => {
    const order = await placeOrder([{ sku: "SKU-DOCK", quantity: 3 }], "tok_decline");
    const before = await available("SKU-DOCK");
    await h.claim(step(order));
    await h.reserve(step(order));
    await h.paymentWorker(sqsEvent([await orderPlacedEvent(order.orderId)]));
    await expect(h.capture(step(order))).rejects.toMatchObject({ name: "PaymentDeclined" });
    const error = {
      Error: "PaymentDeclined",
      Cause: JSON.stringify({ errorMessage: "card declined (card_declined)" }),
    };
    for (let run = 0; run < 2; run++) {
      await h.voidPayment({ ...step(order), error });
      await h.release(step(order));
      expect(await h.cancel({ ...step(order), error })).toEqual({ status: "CANCELLED" });
    }
    expect(await available("SKU-DOCK")).toBe(before);
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.order).toMatchObject({
      status: "CANCELLED",
      cancellation: { error: "PaymentDeclined", cause: "card declined (card_declined)" },
    });
    expect(details.timeline.filter((e) => e.kind === "INVENTORY_RELEASED")).toHaveLength(1);
    expect(details.timeline.filter((e) => e.kind === "CANCELLED")).toHaveLength(1);
  });

  it("refunds a captured payment on compensation, once", async () => {
    const order = await placeOrder([{ sku: "SKU-WEBCAM", quantity: 1 }]);
    await h.claim(step(order));
    await h.reserve(step(order));
    await h.paymentWorker(sqsEvent([await orderPlacedEvent(order.orderId)]));
    await h.capture(step(order));
    await h.voidPayment(step(order));
    await h.voidPayment(step(order));
    const { authorizations } = await ledger(order.orderId);
    expect(authorizations).toHaveLength(1);
    expect(authorizations[0]).toMatchObject({ status: "refunded", refundedCents: 6_900 });
    expect(authorizations[0]!.history.filter((e) => e.operation === "refund")).toHaveLength(1);
  });

  it("sends an out-of-stock order to compensation without touching stock", async () => {
    const order = await placeOrder([
      { sku: "SKU-LIMITED", quantity: 3 },
      { sku: "SKU-MOUSE", quantity: 1 },
    ]);
    const greedy = await placeOrder([{ sku: "SKU-LIMITED", quantity: 1 }]);
    await h.claim(step(greedy));
    await h.reserve(step(greedy));
    const mice = await available("SKU-MOUSE");
    const { lines } = await h.claim(step(order));
    await expect(h.reserve({ ...step(order), lines })).rejects.toMatchObject({
      name: "OutOfStock",
    });
    await expect(h.reserve(step(order))).rejects.toMatchObject({ name: "OutOfStock" });
    expect(await available("SKU-MOUSE")).toBe(mice);
    expect(await h.release(step(order))).toEqual({ released: false });
  });

  it("refuses to reserve for an order that left PROCESSING, even with the claim's lines", async () => {
    const order = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    const { lines } = await h.claim(step(order));
    await h.cancel({ ...step(order), error: { Error: "States.Timeout" } });
    const mice = await available("SKU-MOUSE");
    await expect(h.reserve({ ...step(order), lines })).rejects.toMatchObject({
      name: "InvalidOrderState",
    });
    expect(await available("SKU-MOUSE")).toBe(mice);
  });
});
