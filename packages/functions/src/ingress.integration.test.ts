import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { seedCatalog } from "@orders/core/inventory";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { orderPolicy } from "@orders/core/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent } from "./lib/test-events";

// The public order API against a real DynamoDB Local: idempotent acceptance,
// refusals that write nothing, ownership of the status URL, the catalogue.

let ddb: DynamoDbLocal;
let ingress: typeof import("./ingress").handler;
let orderStatus: typeof import("./order-status").handler;
let catalog: typeof import("./catalog").handler;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  Object.assign(
    process.env,
    linkEnv(
      {
        OrdersTable: { name: ddb.tableNames.OrdersTable },
        InventoryTable: { name: ddb.tableNames.InventoryTable },
        OrderPolicy: orderPolicy,
      },
      ddb.endpoint,
    ),
  );
  await seedCatalog({ doc: ddb.doc, inventoryTable: ddb.tableNames.InventoryTable });
  ({ handler: ingress } = await import("./ingress"));
  ({ handler: orderStatus } = await import("./order-status"));
  ({ handler: catalog } = await import("./catalog"));
});
afterAll(() => ddb?.stop());

const order = { lines: [{ sku: "SKU-KEYBOARD", quantity: 2 }], payment: { card: "tok_approve" } };
const submit = (body: unknown, headers: Record<string, string> = {}, sub = "alice") =>
  ingress(httpEvent({ sub, body, headers }));
const bodyOf = (result: { body?: string }) => JSON.parse(result.body ?? "{}");
const orderItems = async () =>
  (await ddb.doc.send(new ScanCommand({ TableName: ddb.tableNames.OrdersTable }))).Items ?? [];

describe("POST /api/orders", () => {
  it("accepts an order: 202, status URL, correlation id echoed, canonical item with GSI keys", async () => {
    const result = await submit(order, {
      "Idempotency-Key": "accept-1",
      "X-Correlation-Id": "corr-accept-1",
    });
    expect(result.statusCode).toBe(202);
    const body = bodyOf(result);
    expect(body).toEqual({
      orderId: expect.stringMatching(/^ord_/),
      status: "ACCEPTED",
      statusUrl: `/api/orders/${body.orderId}`,
    });
    expect(result.headers?.["x-correlation-id"]).toBe("corr-accept-1");
    const item = (await orderItems()).find((i) => i.orderId === body.orderId)!;
    expect(item).toMatchObject({
      status: "ACCEPTED",
      customerId: "alice",
      correlationId: "corr-accept-1",
      totalCents: 25_800,
      flagged: false,
      gsi1pk: "STATUS#ACCEPTED",
      gsi2pk: "CUSTOMER#alice",
      gsi3pk: "CORRELATION#corr-accept-1",
    });
    expect(item.journal[0]).toMatchObject({ kind: "ACCEPTED", correlationId: "corr-accept-1" });
  });

  it("keeps the request's X-Ray trace header on the order, for the outbox to publish with", async () => {
    // Lambda sets _X_AMZN_TRACE_ID per invocation; the stream publisher sends
    // the order's events with this header rather than its own (events/publisher).
    const trace = "Root=1-6745a1b2-0123456789abcdef01234567;Parent=1a2b3c4d5e6f7a8b;Sampled=1";
    process.env._X_AMZN_TRACE_ID = trace;
    try {
      const body = bodyOf(await submit(order, { "Idempotency-Key": "trace-1" }));
      const item = (await orderItems()).find((i) => i.orderId === body.orderId)!;
      expect(item.traceHeader).toBe(trace);
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
  });

  it("returns the same 202 for a duplicate and writes once", async () => {
    const first = await submit(order, {
      "idempotency-key": "dup-1",
      "x-correlation-id": "corr-dup-1",
    });
    const before = await orderItems();
    const again = await submit(
      { payment: { card: "tok_approve" }, lines: [{ quantity: 2, sku: "SKU-KEYBOARD" }] },
      { "idempotency-key": "dup-1" },
    );
    expect(again.statusCode).toBe(202);
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(again.headers?.["x-correlation-id"]).toBe("corr-dup-1");
    expect(await orderItems()).toEqual(before);
  });

  it("refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED, nothing written", async () => {
    await submit(order, { "idempotency-key": "reuse-1" });
    const before = await orderItems();
    const result = await submit(
      { ...order, lines: [{ sku: "SKU-MOUSE", quantity: 1 }] },
      { "idempotency-key": "reuse-1" },
    );
    expect(result.statusCode).toBe(422);
    expect(bodyOf(result).code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await orderItems()).toEqual(before);
  });

  it("scopes the key to the customer", async () => {
    const alice = bodyOf(await submit(order, { "idempotency-key": "shared-key" }, "alice"));
    const bob = bodyOf(await submit(order, { "idempotency-key": "shared-key" }, "bob"));
    expect(alice.orderId).not.toBe(bob.orderId);
  });

  it("creates exactly one order from 50 concurrent submissions with one key", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => submit(order, { "idempotency-key": "storm-1" })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(202));
    expect(new Set(results.map((r) => bodyOf(r).orderId)).size).toBe(1);
    const created = (await orderItems()).filter((i) => i.idempotencyKey === "storm-1");
    expect(created).toHaveLength(1);
  });

  it("uses the request id as the key when the client sends none", async () => {
    const a = bodyOf(await submit(order));
    const b = bodyOf(await submit(order));
    expect(a.orderId).not.toBe(b.orderId);
  });

  it("flags an order over the approval threshold", async () => {
    const result = bodyOf(
      await submit(
        { lines: [{ sku: "SKU-WORKSTATION", quantity: 1 }], payment: { card: "tok_approve" } },
        { "idempotency-key": "big-1" },
      ),
    );
    const item = (await orderItems()).find((i) => i.orderId === result.orderId)!;
    expect(item.flagged).toBe(true);
    expect(item.reviewReason).toMatch(/threshold/);
  });

  it.each([
    ["invalid JSON", "{", {}, "alice", 400, "INVALID_JSON"],
    ["an unknown field", { ...order, priceCents: 1 }, {}, "alice", 400, "VALIDATION_FAILED"],
    [
      "a zero quantity",
      { ...order, lines: [{ sku: "SKU-KEYBOARD", quantity: 0 }] },
      {},
      "alice",
      400,
      "VALIDATION_FAILED",
    ],
    [
      "too many units",
      { ...order, lines: [{ sku: "SKU-KEYBOARD", quantity: 101 }] },
      {},
      "alice",
      400,
      "VALIDATION_FAILED",
    ],
    [
      "an unknown SKU",
      { ...order, lines: [{ sku: "SKU-UNICORN", quantity: 1 }] },
      {},
      "alice",
      422,
      "UNKNOWN_SKU",
    ],
    [
      "a malformed Idempotency-Key",
      order,
      { "idempotency-key": "has space" },
      "alice",
      400,
      "INVALID_IDEMPOTENCY_KEY",
    ],
    [
      "a malformed correlation id",
      order,
      { "x-correlation-id": "bad id!" },
      "alice",
      400,
      "INVALID_CORRELATION_ID",
    ],
    ["no authenticated customer", order, {}, "", 401, "UNAUTHORIZED"],
  ])(
    "refuses %s with a stable code and writes nothing",
    async (_, body, headers, sub, status, code) => {
      const before = await orderItems();
      const result = await submit(body, headers as Record<string, string>, sub as string);
      expect(result.statusCode).toBe(status);
      expect(bodyOf(result)).toMatchObject({ code, message: expect.any(String) });
      expect(await orderItems()).toEqual(before);
    },
  );
});

describe("GET /api/orders/{orderId}", () => {
  it("shows the owner the status and timeline, hides internals", async () => {
    const { orderId } = bodyOf(await submit(order, { "idempotency-key": "status-1" }));
    const result = await orderStatus(
      httpEvent({
        method: "GET",
        path: `/api/orders/${orderId}`,
        sub: "alice",
        pathParameters: { orderId },
      }),
    );
    expect(result.statusCode).toBe(200);
    const view = bodyOf(result);
    expect(view).toMatchObject({
      orderId,
      status: "ACCEPTED",
      timeline: [expect.objectContaining({ kind: "ACCEPTED" })],
    });
    expect(result.body).not.toContain("tok_approve");
    expect(result.body).not.toContain("requestHash");
  });

  it("answers 404 to another customer, exactly as for a missing order; operators see it", async () => {
    const { orderId } = bodyOf(await submit(order, { "idempotency-key": "status-2" }));
    const other = await orderStatus(
      httpEvent({ method: "GET", sub: "mallory", pathParameters: { orderId } }),
    );
    const missing = await orderStatus(
      httpEvent({
        method: "GET",
        sub: "mallory",
        pathParameters: { orderId: `ord_${"0".repeat(32)}` },
      }),
    );
    expect(other.statusCode).toBe(404);
    expect(other.body).toBe(missing.body);
    const ops = await orderStatus(
      httpEvent({ method: "GET", sub: "olivia", groups: ["ops"], pathParameters: { orderId } }),
    );
    expect(ops.statusCode).toBe(200);
  });
});

describe("GET /api/catalog", () => {
  it("lists SKUs with prices and availability", async () => {
    const result = await catalog(httpEvent({ method: "GET", path: "/api/catalog", sub: "alice" }));
    const { items } = bodyOf(result);
    expect(items.length).toBeGreaterThanOrEqual(12);
    expect(items).toContainEqual(
      expect.objectContaining({ sku: "SKU-KEYBOARD", priceCents: 12_900, available: 500 }),
    );
  });
});
