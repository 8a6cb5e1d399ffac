import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { eventFor } from "@orders/core/events";
import { stockKey } from "@orders/core/inventory";
import { getOrder } from "@orders/core/order";
import type { OrderLedger } from "@orders/core/payment";
import type { CompensationOutcome } from "@orders/core/saga";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { type FunctionName, functions, orderPolicy } from "@orders/core/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch } from "./lib/serve";
import { httpEvent, sqsEvent } from "./lib/test-events";

// The SagaCompensator against DynamoDB Local and the sandbox provider over
// HTTP, driven by "Step Functions Execution Status Change" events as the
// default bus delivers them: it undoes an order whose saga ended without a
// Catch, once — a repeated event changes nothing — and leaves alone an order
// another execution owns or that was fulfilled.

let ddb: DynamoDbLocal;
let sandbox: Awaited<ReturnType<typeof serveFetch>>;
const handlers = {} as Record<FunctionName, (event: unknown) => Promise<unknown>>;
const STATE_MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:FulfillmentSaga";

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  const { createPaymentSandboxApp } = await import("./payment-sandbox");
  sandbox = await serveFetch(
    createPaymentSandboxApp({ doc: ddb.doc, ledgerTable: ddb.tableNames.PaymentLedgerTable }).fetch,
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
  for (const name of [
    "Ingress",
    "PaymentWorker",
    "ClaimOrder",
    "ReserveInventory",
    "CapturePayment",
    "CompleteOrder",
    "SagaCompensator",
  ] as FunctionName[]) {
    const file = functions[name].handler
      .replace("packages/functions/src/", "./")
      .replace(/\.handler$/, "");
    handlers[name] = (await import(/* @vite-ignore */ file)).handler;
  }
});
afterAll(async () => {
  await sandbox?.close();
  await ddb?.stop();
});

const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });
const available = async (sku: string) =>
  (
    await ddb.doc.send(
      new GetCommand({
        TableName: ddb.tableNames.InventoryTable,
        Key: stockKey(sku),
        ConsistentRead: true,
      }),
    )
  ).Item?.available as number;
const ledger = async (orderId: string) =>
  (await (await fetch(`${sandbox.url}/v1/ledger?orderId=${orderId}`)).json()) as OrderLedger;

async function newSku(stock: number) {
  const sku = `SKU-C${randomUUID().slice(0, 8).toUpperCase()}`;
  await ddb.doc.send(
    new PutCommand({
      TableName: ddb.tableNames.InventoryTable,
      Item: {
        ...stockKey(sku),
        entity: "SKU",
        sku,
        name: "compensator test",
        priceCents: 1_000,
        currency: "USD",
        available: stock,
        reviewRequired: false,
      },
    }),
  );
  return sku;
}

/** An order placed, authorised, claimed by `executionArn` and reserved: what a saga holds mid-way. */
async function heldOrder(sku: string, quantity: number) {
  const placed = (await handlers.Ingress(
    httpEvent({
      sub: "alice",
      body: { lines: [{ sku, quantity }], payment: { card: "tok_approve" } },
      headers: { "idempotency-key": randomUUID() },
    }),
  )) as { statusCode: number; body: string };
  expect(placed.statusCode, placed.body).toBe(202);
  const order = (await getOrder(db(), JSON.parse(placed.body).orderId))!;
  const entry = eventFor("INSERT", undefined, order)!;
  const detail = JSON.parse(entry.Detail) as { orderId: string; correlationId: string };
  const paid = (await handlers.PaymentWorker(
    sqsEvent([
      {
        version: "0",
        id: randomUUID(),
        "detail-type": entry.DetailType,
        source: entry.Source,
        time: entry.Time.toISOString(),
        detail,
      },
    ]),
  )) as { batchItemFailures: unknown[] };
  expect(paid.batchItemFailures).toEqual([]);
  const executionArn = `arn:aws:states:us-east-1:000000000000:execution:FulfillmentSaga:${randomUUID()}`;
  const step = { orderId: order.orderId, correlationId: order.correlationId, executionArn };
  const claim = (await handlers.ClaimOrder(step)) as { claimed: boolean; lines: unknown[] };
  expect(claim.claimed).toBe(true);
  await handlers.ReserveInventory({ ...step, lines: claim.lines });
  return { orderId: order.orderId, executionArn, input: JSON.stringify(detail), step };
}

/** The event as Step Functions emits it and the default bus delivers it. */
const statusChange = (
  executionArn: string,
  status: string,
  input: string | null,
  error: string | null = null,
) => ({
  version: "0",
  id: randomUUID(),
  "detail-type": "Step Functions Execution Status Change",
  source: "aws.states",
  account: "000000000000",
  time: new Date().toISOString(),
  region: "us-east-1",
  resources: [executionArn],
  detail: {
    executionArn,
    stateMachineArn: STATE_MACHINE,
    name: executionArn.split(":").pop(),
    status,
    startDate: Date.now() - 60_000,
    stopDate: status === "RUNNING" ? null : Date.now(),
    input,
    inputDetails: { included: input !== null },
    output: null,
    outputDetails: null,
    error,
    cause: null,
  },
});

const compensate = (event: unknown) =>
  handlers.SagaCompensator(event) as Promise<CompensationOutcome>;

describe("SagaCompensator", () => {
  it("voids, releases and cancels a timed-out saga's order, once", async () => {
    const sku = await newSku(10);
    const held = await heldOrder(sku, 3);
    expect(await available(sku)).toBe(7);
    const event = statusChange(held.executionArn, "TIMED_OUT", held.input, "States.Timeout");

    expect(await compensate(event)).toEqual({
      outcome: "compensated",
      orderId: held.orderId,
      payment: "voided",
      released: true,
      cancelled: true,
    });
    const order = (await getOrder(db(), held.orderId))!;
    expect(order.status).toBe("CANCELLED");
    expect(order.cancellation).toMatchObject({ error: "States.Timeout" });
    expect(order.reservation?.state).toBe("RELEASED");
    expect(await available(sku)).toBe(10);
    expect((await ledger(held.orderId)).authorizations.map((a) => a.status)).toEqual(["voided"]);

    // EventBridge and Lambda deliver at least once: the same event again changes nothing.
    expect(await compensate(event)).toMatchObject({
      outcome: "compensated",
      released: false,
      cancelled: false,
    });
    const again = (await getOrder(db(), held.orderId))!;
    expect(again.journal).toHaveLength(order.journal.length);
    expect(await available(sku)).toBe(10);
    const history = (await ledger(held.orderId)).authorizations.flatMap((a) =>
      a.history.map((h) => h.operation),
    );
    expect(history.filter((op) => op === "void")).toHaveLength(1);
  });

  it("undoes an aborted or failed saga's order the same way", async () => {
    const sku = await newSku(5);
    const aborted = await heldOrder(sku, 1);
    const failed = await heldOrder(sku, 2);
    expect(await available(sku)).toBe(2);
    await compensate(statusChange(aborted.executionArn, "ABORTED", aborted.input));
    await compensate(
      statusChange(failed.executionArn, "FAILED", failed.input, "CompensationFailed"),
    );
    expect((await getOrder(db(), aborted.orderId))?.cancellation).toMatchObject({
      error: "ExecutionAborted",
    });
    expect((await getOrder(db(), failed.orderId))?.cancellation).toMatchObject({
      error: "CompensationFailed",
    });
    expect(await available(sku)).toBe(5);
  });

  it("leaves alone an order another execution owns, a fulfilled order and a running saga", async () => {
    const sku = await newSku(10);
    const owned = await heldOrder(sku, 1);
    const duplicate = `${owned.executionArn}-duplicate`;
    expect(await compensate(statusChange(duplicate, "FAILED", owned.input))).toMatchObject({
      outcome: "not-this-execution",
      owner: owned.executionArn,
    });
    expect(await compensate(statusChange(owned.executionArn, "RUNNING", owned.input))).toEqual({
      outcome: "ignored",
      reason: "status RUNNING",
    });
    expect((await getOrder(db(), owned.orderId))?.status).toBe("PROCESSING");

    const fulfilled = await heldOrder(sku, 2);
    await handlers.CapturePayment(fulfilled.step);
    await handlers.CompleteOrder(fulfilled.step);
    expect(
      await compensate(statusChange(fulfilled.executionArn, "TIMED_OUT", fulfilled.input)),
    ).toEqual({ outcome: "fulfilled", orderId: fulfilled.orderId });
    expect((await ledger(fulfilled.orderId)).authorizations.map((a) => a.status)).toEqual([
      "captured",
    ]);
    expect(await available(sku)).toBe(7);
  });

  it("refuses an event that is not a status change, or names no order, and writes nothing", async () => {
    await expect(compensate({ source: "orders.api", detail: {} })).rejects.toThrow();
    const arn = `arn:aws:states:us-east-1:000000000000:execution:FulfillmentSaga:${randomUUID()}`;
    await expect(compensate(statusChange(arn, "TIMED_OUT", null))).rejects.toMatchObject({
      name: "UnreadableExecutionInput",
    });
  });
});
