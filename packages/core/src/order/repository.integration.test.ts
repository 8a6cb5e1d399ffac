import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, startDynamoDbLocal } from "../testing";
import { correlationGsi, customerGsi, orderKey, statusGsi } from "./keys";
import { listOrders } from "./repository";

// The admin API's order list against a real DynamoDB Local: one index
// partition picked by the filter, newest first, a date range on the index's
// sort key, and cursors it handed out only.

let ddb: DynamoDbLocal;
const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  const orders = [
    { orderId: "ord_a", customerId: "alice", status: "FULFILLED", at: "2026-01-01T10:00:00.000Z" },
    { orderId: "ord_b", customerId: "alice", status: "FULFILLED", at: "2026-01-02T10:00:00.000Z" },
    { orderId: "ord_c", customerId: "bob", status: "FULFILLED", at: "2026-01-03T10:00:00.000Z" },
    { orderId: "ord_d", customerId: "alice", status: "CANCELLED", at: "2026-01-04T10:00:00.000Z" },
  ];
  for (const o of orders) {
    await ddb.doc.send(
      new PutCommand({
        TableName: ddb.tableNames.OrdersTable,
        Item: {
          ...orderKey(o.orderId),
          ...statusGsi(o.status, o.at, o.orderId),
          ...customerGsi(o.customerId, o.at, o.orderId),
          ...correlationGsi(`corr-${o.orderId}`, o.orderId),
          entity: "ORDER",
          orderId: o.orderId,
          customerId: o.customerId,
          idempotencyKey: o.orderId,
          requestHash: "h",
          correlationId: `corr-${o.orderId}`,
          status: o.status,
          lines: [],
          totalCents: 100,
          currency: "USD",
          flagged: false,
          reviewReason: null,
          payment: { method: "card", token: "tok_approve" },
          createdAt: o.at,
          updatedAt: o.at,
          statusChangedAt: o.at,
          journal: [],
        },
      }),
    );
  }
});
afterAll(() => ddb?.stop());

const ids = (page: { items: { orderId: string }[] }) => page.items.map((o) => o.orderId);

describe("listOrders", () => {
  it("reads the partition the filter picks, newest first", async () => {
    expect(ids(await listOrders(db(), { status: "FULFILLED", limit: 10 }))).toEqual([
      "ord_c",
      "ord_b",
      "ord_a",
    ]);
    expect(ids(await listOrders(db(), { customerId: "alice", limit: 10 }))).toEqual([
      "ord_d",
      "ord_b",
      "ord_a",
    ]);
    expect(ids(await listOrders(db(), { correlationId: "corr-ord_c", limit: 10 }))).toEqual([
      "ord_c",
    ]);
  });

  it("bounds a date range on the index's timestamp, either end open", async () => {
    const range = { status: "FULFILLED", limit: 10 };
    expect(
      ids(
        await listOrders(db(), {
          ...range,
          from: "2026-01-02T00:00:00.000Z",
          to: "2026-01-02T23:59:59.999Z",
        }),
      ),
    ).toEqual(["ord_b"]);
    expect(ids(await listOrders(db(), { ...range, from: "2026-01-02T00:00:00.000Z" }))).toEqual([
      "ord_c",
      "ord_b",
    ]);
    expect(ids(await listOrders(db(), { ...range, to: "2026-01-02T10:00:00.000Z" }))).toEqual([
      "ord_b",
      "ord_a",
    ]);
  });

  it("pages with the cursor it hands out, and refuses one it did not", async () => {
    const first = await listOrders(db(), { customerId: "alice", limit: 2 });
    expect(ids(first)).toEqual(["ord_d", "ord_b"]);
    const second = await listOrders(db(), {
      customerId: "alice",
      limit: 2,
      nextToken: first.nextToken,
    });
    expect(ids(second)).toEqual(["ord_a"]);
    await expect(
      listOrders(db(), { customerId: "alice", limit: 2, nextToken: "bm90LWEtY3Vyc29y" }),
    ).rejects.toMatchObject({ code: "INVALID_NEXT_TOKEN" });
  });
});
