import { randomUUID } from "node:crypto";
import { DeleteCommand, PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { stockKey } from "@orders/core/inventory";
import { orderKey, paymentKey } from "@orders/core/order";
import { type DynamoDbLocal, startDynamoDbLocal } from "@orders/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProofTables, inProcessPipeline, type ProofTables } from "./in-process-pipeline";
import { type CheckOptions, checkInvariants, type InvariantName } from "./invariants";
import { readSnapshot } from "./snapshot";

// The invariant checker against DynamoDB Local: a state the pipeline really
// produced (fulfilled, declined → cancelled, out of stock → cancelled, waiting
// for approval) passes; each invariant is then shown to catch a corruption of
// exactly its kind, read back through the same snapshot reader the CLI uses.

let ddb: DynamoDbLocal;
beforeAll(async () => {
  ddb = await startDynamoDbLocal();
});
afterAll(() => ddb?.stop());

interface World {
  names: ProofTables;
  pipeline: Awaited<ReturnType<typeof inProcessPipeline>>;
  fulfilled: string;
  declined: string;
  outOfStock: string;
  awaiting: string;
  accepted: string;
}

/** A fresh set of tables holding a good state. */
async function goodWorld(): Promise<World> {
  const names = await createProofTables(ddb.client, `proof-${randomUUID().slice(0, 8)}`);
  const pipeline = await inProcessPipeline(ddb.doc, names);
  await pipeline.seed();
  const fulfilled = await pipeline.place([
    { sku: "SKU-KEYBOARD", quantity: 2 },
    { sku: "SKU-MOUSE", quantity: 1 },
  ]);
  const declined = await pipeline.place([{ sku: "SKU-MOUSE", quantity: 3 }], "tok_decline");
  const outOfStock = await pipeline.place([{ sku: "SKU-LIMITED", quantity: 4 }]);
  const awaiting = await pipeline.place([{ sku: "SKU-WORKSTATION", quantity: 1 }]);
  const accepted = await pipeline.place([{ sku: "SKU-CABLE", quantity: 1 }]);
  expect(await pipeline.runSaga(fulfilled)).toBe("fulfilled");
  expect(await pipeline.runSaga(declined)).toBe("cancelled");
  expect(await pipeline.runSaga(outOfStock)).toBe("cancelled");
  expect(await pipeline.runSaga(awaiting)).toBe("awaiting-approval");
  for (const orderId of [fulfilled, declined, outOfStock, awaiting, accepted])
    await pipeline.notify(orderId);
  return { names, pipeline, fulfilled, declined, outOfStock, awaiting, accepted };
}

async function check(
  world: World,
  options: CheckOptions = {},
  extra: Partial<Parameters<typeof readSnapshot>[0]> = {},
) {
  const { snapshot } = await readSnapshot({ dynamodb: ddb.client, tables: world.names, ...extra });
  return { snapshot, report: checkInvariants(snapshot, options) };
}

const only = (report: ReturnType<typeof checkInvariants>, invariant: InvariantName) => {
  expect(report.ok).toBe(false);
  expect(new Set(report.violations.map((v) => v.invariant))).toEqual(new Set([invariant]));
  return report.violations;
};

const update = (
  table: string,
  key: Record<string, unknown>,
  expression: string,
  values?: Record<string, unknown>,
  names?: Record<string, string>,
) =>
  ddb.doc.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: expression,
      ...(values ? { ExpressionAttributeValues: values } : {}),
      ...(names ? { ExpressionAttributeNames: names } : {}),
    }),
  );

async function ledgerItems(world: World, orderId: string) {
  const { Items = [] } = await ddb.doc.send(
    new ScanCommand({ TableName: world.names.PaymentLedgerTable }),
  );
  return Items.filter((i) => i.pk === `ORDER#${orderId}`);
}

describe("invariant checker", () => {
  let world: World;
  beforeAll(async () => {
    world = await goodWorld();
  });

  it("passes a state the pipeline produced, in flight allowed; counts what it saw", async () => {
    const { report } = await check(world, { allowInFlight: true });
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({
      orders: 5,
      byStatus: { FULFILLED: 1, CANCELLED: 2, AWAITING_APPROVAL: 1, ACCEPTED: 1 },
      pendingApprovals: 1,
      ledger: { authorisations: 3, captures: 1, declines: 1 },
      // ACCEPTED × 5, FULFILLED × 2, CANCELLED × 2 × 2, AWAITING_APPROVAL × 1
      notifications: { delivered: 12, requests: { delivered: 12 } },
    });
  });

  it("order-settled: an order still ACCEPTED is a violation unless in flight is allowed", async () => {
    const { report } = await check(world);
    expect(only(report, "order-settled")).toEqual([
      expect.objectContaining({ orderId: world.accepted }),
    ]);
  });

  it("order-settled: a PENDING approval long past its deadline means a lost timeout", async () => {
    const { snapshot } = await check(world);
    const later = new Date(Date.now() + 3 * 3_600_000);
    const report = checkInvariants(
      {
        ...snapshot,
        orders: snapshot.orders.filter((o) => o.orderId !== world.accepted),
        notificationDeliveries: snapshot.notificationDeliveries!.filter(
          (d) => d.reference !== world.accepted,
        ),
      },
      { now: later },
    );
    expect(only(report, "order-settled")[0]).toMatchObject({ orderId: world.awaiting });
  });
});

describe("each invariant catches its violation", () => {
  it("stock-conserved: a unit appearing from nowhere, and an oversold SKU", async () => {
    const world = await goodWorld();
    await update(
      world.names.InventoryTable,
      stockKey("SKU-MOUSE"),
      "SET available = available + :one",
      { ":one": 1 },
    );
    const v = only((await check(world, { allowInFlight: true })).report, "stock-conserved");
    expect(v).toEqual([expect.objectContaining({ sku: "SKU-MOUSE" })]);
    await update(world.names.InventoryTable, stockKey("SKU-LIMITED"), "SET available = :n", {
      ":n": -1,
    });
    const again = (await check(world, { allowInFlight: true })).report.violations;
    expect(again.find((x) => x.sku === "SKU-LIMITED")?.message).toMatch(/oversold/);
  });

  it("reservation-consistent: a cancelled order still holding stock", async () => {
    const world = await goodWorld();
    // The release's stock went back, but the record says HELD: conserved
    // stock would break too, so give the stock back to the reservation.
    await update(
      world.names.OrdersTable,
      orderKey(world.declined),
      "SET reservation.#s = :held",
      { ":held": "HELD" },
      { "#s": "state" },
    );
    await update(
      world.names.InventoryTable,
      stockKey("SKU-MOUSE"),
      "SET available = available - :q",
      { ":q": 3 },
    );
    only((await check(world, { allowInFlight: true })).report, "reservation-consistent");
  });

  it("fulfilled-charged-once: a fulfilled order whose capture was refunded, and one never captured", async () => {
    const world = await goodWorld();
    const [auth] = await ledgerItems(world, world.fulfilled);
    await world.pipeline.provider.refund(String(auth!.id), undefined, "proof-refund");
    const refunded = only(
      (await check(world, { allowInFlight: true })).report,
      "fulfilled-charged-once",
    );
    expect(refunded[0]).toMatchObject({ orderId: world.fulfilled });

    const other = await goodWorld();
    const [auth2] = await ledgerItems(other, other.fulfilled);
    await update(
      other.names.PaymentLedgerTable,
      { pk: auth2!.pk, sk: auth2!.sk },
      "SET #s = :a, capturedCents = :z, history = :h",
      {
        ":a": "authorized",
        ":z": 0,
        ":h": [auth2!.history[0]],
      },
      { "#s": "status" },
    );
    only((await check(other, { allowInFlight: true })).report, "fulfilled-charged-once");
  });

  it("cancelled-not-charged: a cancelled order whose authorisation ended captured", async () => {
    const world = await goodWorld();
    const [auth] = await ledgerItems(world, world.declined);
    expect(auth!.status).toBe("declined");
    await update(
      world.names.PaymentLedgerTable,
      { pk: auth!.pk, sk: auth!.sk },
      "SET #s = :c, capturedCents = amountCents",
      { ":c": "captured" },
      { "#s": "status" },
    );
    const v = only((await check(world, { allowInFlight: true })).report, "cancelled-not-charged");
    expect(v[0]).toMatchObject({ orderId: world.declined });
  });

  it("single-saga: a second authorisation, a second SAGA_STARTED, a duplicate execution with effects", async () => {
    const world = await goodWorld();
    const [auth] = await ledgerItems(world, world.awaiting);
    await ddb.doc.send(
      new PutCommand({
        TableName: world.names.PaymentLedgerTable,
        Item: { ...auth, sk: "AUTH#auth_second", id: "auth_second", status: "voided" },
      }),
    );
    const twoAuths = only((await check(world, { allowInFlight: true })).report, "single-saga");
    expect(twoAuths[0]!.message).toMatch(/2 authorisations/);
    await ddb.doc.send(
      new DeleteCommand({
        TableName: world.names.PaymentLedgerTable,
        Key: { pk: auth!.pk, sk: "AUTH#auth_second" },
      }),
    );

    await update(
      world.names.OrdersTable,
      orderKey(world.fulfilled),
      "SET journal = list_append(journal, :e)",
      {
        ":e": [
          {
            at: new Date().toISOString(),
            kind: "SAGA_STARTED",
            message: "again",
            correlationId: "x",
            actor: "saga:claim-order",
            data: { executionArn: "arn:exec:other" },
          },
        ],
      },
    );
    const twoSagas = only((await check(world, { allowInFlight: true })).report, "single-saga");
    expect(twoSagas[0]).toMatchObject({ orderId: world.fulfilled });

    const world2 = await goodWorld();
    const { snapshot } = await check(world2, { allowInFlight: true });
    const bound = snapshot.orders.find((o) => o.orderId === world2.fulfilled)!
      .executionArn as string;
    const executions = [
      {
        executionArn: bound,
        orderId: world2.fulfilled,
        status: "SUCCEEDED",
        effectStates: ["ReserveInventory"],
      },
      {
        executionArn: "arn:exec:dup-ok",
        orderId: world2.fulfilled,
        status: "SUCCEEDED",
        effectStates: [],
      },
    ];
    expect(checkInvariants({ ...snapshot, executions }, { allowInFlight: true }).ok).toBe(true);
    executions.push({
      executionArn: "arn:exec:dup-bad",
      orderId: world2.fulfilled,
      status: "SUCCEEDED",
      effectStates: ["ReserveInventory", "VoidPayment"],
    });
    const dup = only(
      checkInvariants({ ...snapshot, executions }, { allowInFlight: true }),
      "single-saga",
    );
    expect(dup[0]!.message).toMatch(/dup-bad.*ReserveInventory, VoidPayment/);
  });

  it("notified-once: a second delivery for one (order, status, channel), a missing one, one never implied", async () => {
    const world = await goodWorld();
    const { snapshot } = await check(world, { allowInFlight: true });
    const deliveries = snapshot.notificationDeliveries!;
    const fulfilledSms = deliveries.find(
      (d) => d.reference === world.fulfilled && d.channel === "sms",
    )!;
    // A second delivery of the same notification under another key (a resend without one).
    const resent = { ...fulfilledSms, id: "ntf_resent", idempotencyKey: "another-key" };
    const twice = only(
      checkInvariants(
        { ...snapshot, notificationDeliveries: [...deliveries, resent] },
        { allowInFlight: true },
      ),
      "notified-once",
    );
    expect(twice).toEqual([
      expect.objectContaining({
        orderId: world.fulfilled,
        message: expect.stringMatching(/2 deliveries/),
      }),
    ]);
    // Lost: in flight it may still come; once settled it is a violation.
    const without = deliveries.filter((d) => d !== fulfilledSms);
    expect(
      checkInvariants({ ...snapshot, notificationDeliveries: without }, { allowInFlight: true })
        .violations,
    ).toEqual([]);
    // Settled: the order still ACCEPTED left out, with its one delivery.
    const settled = {
      ...snapshot,
      orders: snapshot.orders.filter((o) => o.orderId !== world.accepted),
    };
    const settledDeliveries = (list: typeof deliveries) =>
      list.filter((d) => d.reference !== world.accepted);
    expect(
      checkInvariants({ ...settled, notificationDeliveries: settledDeliveries(deliveries) }).ok,
    ).toBe(true);
    const lost = only(
      checkInvariants({ ...settled, notificationDeliveries: settledDeliveries(without) }),
      "notified-once",
    );
    expect(lost[0]!.message).toMatch(/FULFILLED by sms: 0 deliveries/);
    // A status the order never reached.
    const stray = { ...fulfilledSms, id: "ntf_stray", metadata: { status: "CANCELLED" } };
    only(
      checkInvariants(
        { ...snapshot, notificationDeliveries: [...deliveries, stray] },
        { allowInFlight: true },
      ),
      "notified-once",
    );
  });

  it("approval-delivered: an approved order cancelled for an approval timeout; an expired one passes", async () => {
    const world = await goodWorld();
    const decided = (status: string) =>
      update(
        world.names.OrdersTable,
        orderKey(world.declined),
        "SET approval = :approval, cancellation = :cancellation",
        {
          ":approval": {
            status,
            taskToken: "token",
            requestedAt: "2026-01-01T00:00:00.000Z",
            deadline: "2026-01-01T00:00:15.000Z",
            reason: "REVIEW_REQUIRED_SKU",
            amountCents: 1,
            currency: "USD",
            decidedBy: "olivia",
            decidedAt: "2026-01-01T00:00:10.000Z",
          },
          ":cancellation": { error: "States.Timeout" },
        },
      );
    await decided("APPROVED");
    expect(
      only((await check(world, { allowInFlight: true })).report, "approval-delivered"),
    ).toEqual([expect.objectContaining({ orderId: world.declined })]);
    // Delivered too late, and marked so: the wait really timed out first.
    await decided("EXPIRED");
    expect((await check(world, { allowInFlight: true })).report.violations).toEqual([]);
  });

  it("single-saga: an order past ACCEPTED with no execution bound", async () => {
    const world = await goodWorld();
    await update(world.names.OrdersTable, orderKey(world.awaiting), "REMOVE executionArn");
    only((await check(world, { allowInFlight: true })).report, "single-saga");
  });

  it("ledger-known-order: money moved for an order that does not exist", async () => {
    const world = await goodWorld();
    await ddb.doc.send(
      new DeleteCommand({ TableName: world.names.OrdersTable, Key: orderKey(world.declined) }),
    );
    await ddb.doc.send(
      new DeleteCommand({ TableName: world.names.OrdersTable, Key: paymentKey(world.declined) }),
    );
    // The declined order never held stock, so only the ledger betrays it.
    const v = only((await check(world, { allowInFlight: true })).report, "ledger-known-order");
    expect(v[0]).toMatchObject({ orderId: world.declined });
  });

  it("dlq-accounted: a dead letter about a known order passes; an unknown one is reported; poison is expected", async () => {
    const world = await goodWorld();
    const { snapshot } = await check(world, { allowInFlight: true });
    const event = (orderId: string) =>
      JSON.stringify({ "detail-type": "OrderPlaced.v1", detail: { orderId, correlationId: "c" } });
    const known = { queue: "PaymentQueueDlq", messageId: "m1", body: event(world.fulfilled) };
    const unknown = {
      queue: "SagaRuleDlq",
      messageId: "m2",
      body: event("ord_ffffffffffffffffffffffffffffffff"),
    };
    const garbage = { queue: "PaymentQueueDlq", messageId: "m3", body: "not json" };
    const poison = { queue: "PaymentQueueDlq", messageId: "m4", body: '{"poison":"soak-1"}' };
    expect(checkInvariants({ ...snapshot, dlqMessages: [known] }, { allowInFlight: true }).ok).toBe(
      true,
    );
    const report = checkInvariants(
      { ...snapshot, dlqMessages: [known, unknown, garbage, poison] },
      { allowInFlight: true, isExpectedPoison: (m) => m.body.includes('"poison"') },
    );
    expect(only(report, "dlq-accounted").map((v) => v.messageId)).toEqual(["m2", "m3"]);
    expect(report.counts.dlq).toEqual({
      total: 4,
      expectedPoison: 1,
      byQueue: { PaymentQueueDlq: 3, SagaRuleDlq: 1 },
    });
  });

  it("record-valid: an order item the schema refuses is reported, not skipped silently", async () => {
    const world = await goodWorld();
    await update(
      world.names.OrdersTable,
      orderKey(world.accepted),
      "SET #s = :bogus",
      { ":bogus": "LOST" },
      { "#s": "status" },
    );
    only((await check(world, { allowInFlight: true })).report, "record-valid");
  });
});
