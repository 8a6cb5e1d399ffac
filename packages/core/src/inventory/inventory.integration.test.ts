import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderKey } from "../order/keys";
import { type DynamoDbLocal, startDynamoDbLocal } from "../testing";
import { catalog } from "./catalog";
import {
  listCatalog,
  loadPrices,
  releaseInventory,
  reserveInventory,
  seedCatalog,
} from "./repository";
import { stockKey } from "./schema";

// Stock against a real DynamoDB Local: the `available >= :q` condition inside
// the reservation transaction must hold under concurrency.

let ddb: DynamoDbLocal;
const db = () => ({
  doc: ddb.doc,
  inventoryTable: ddb.tableNames.InventoryTable,
  ordersTable: ddb.tableNames.OrdersTable,
});

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  await seedCatalog(db());
});
afterAll(() => ddb?.stop());

const available = async (sku: string) =>
  (
    await ddb.doc.send(
      new GetCommand({ TableName: ddb.tableNames.InventoryTable, Key: stockKey(sku) }),
    )
  ).Item?.available as number;

async function processingOrder(orderId: string, lines: { sku: string; quantity: number }[]) {
  const now = new Date().toISOString();
  await ddb.doc.send(
    new PutCommand({
      TableName: ddb.tableNames.OrdersTable,
      Item: {
        ...orderKey(orderId),
        entity: "ORDER",
        orderId,
        customerId: "c",
        idempotencyKey: orderId,
        requestHash: "h",
        correlationId: `corr-${orderId}`,
        status: "PROCESSING",
        lines: lines.map((l) => ({
          ...l,
          name: l.sku,
          unitPriceCents: 1,
          lineTotalCents: l.quantity,
        })),
        totalCents: 1,
        currency: "USD",
        flagged: false,
        reviewReason: null,
        payment: { method: "card", token: "tok_approve" },
        createdAt: now,
        updatedAt: now,
        statusChangedAt: now,
        executionArn: `arn:${orderId}`,
        journal: [],
      },
    }),
  );
  return { orderId, correlationId: `corr-${orderId}` };
}

describe("inventory", () => {
  it("seeds once: a restart does not reset live stock", async () => {
    expect(await seedCatalog(db())).toEqual([]);
    expect((await listCatalog(db())).map((c) => c.sku).sort()).toEqual(
      catalog.map((c) => c.sku).sort(),
    );
    const prices = await loadPrices(db(), ["SKU-KEYBOARD", "SKU-NOPE"]);
    expect([...prices.keys()]).toEqual(["SKU-KEYBOARD"]);
  });

  it("never oversells: 12 concurrent orders for 3 units reserve exactly 3", async () => {
    const orders = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        processingOrder(`ord_race${i}`, [{ sku: "SKU-LIMITED", quantity: 1 }]),
      ),
    );
    // Retry TransientError (a transaction conflict) as the saga's Retry does.
    const reserveWithRetry = async (o: { orderId: string; correlationId: string }) => {
      for (;;) {
        try {
          return await reserveInventory(db(), o);
        } catch (error) {
          if ((error as Error).name !== "TransientError") throw error;
        }
      }
    };
    const results = await Promise.allSettled(orders.map(reserveWithRetry));
    const reserved = results.filter((r) => r.status === "fulfilled");
    const refused = results
      .filter((r) => r.status === "rejected")
      .map((r) => (r as PromiseRejectedResult).reason.name);
    expect(reserved).toHaveLength(3);
    expect(refused).toEqual(Array(9).fill("OutOfStock"));
    expect(await available("SKU-LIMITED")).toBe(0);
  });

  it("reserves all lines or none", async () => {
    const before = { cable: await available("SKU-CABLE"), limited: await available("SKU-LIMITED") };
    const order = await processingOrder("ord_mixed", [
      { sku: "SKU-CABLE", quantity: 5 },
      { sku: "SKU-LIMITED", quantity: 1 },
    ]);
    await expect(reserveInventory(db(), order)).rejects.toMatchObject({
      name: "OutOfStock",
      details: { skus: ["SKU-LIMITED"] },
    });
    expect(await available("SKU-CABLE")).toBe(before.cable);
    expect(await available("SKU-LIMITED")).toBe(before.limited);
  });

  it("reserves idempotently and releases exactly once, even concurrently", async () => {
    const before = await available("SKU-MONITOR");
    const order = await processingOrder("ord_release", [{ sku: "SKU-MONITOR", quantity: 4 }]);
    const [a, b] = await Promise.allSettled([
      reserveInventory(db(), order),
      reserveInventory(db(), order),
    ]);
    expect([a, b].some((r) => r.status === "fulfilled")).toBe(true);
    await reserveInventory(db(), order); // a retry after the race returns the same reservation
    expect(await available("SKU-MONITOR")).toBe(before - 4);
    const releases = await Promise.allSettled([
      releaseInventory(db(), order),
      releaseInventory(db(), order),
    ]);
    await releaseInventory(db(), order);
    expect(await available("SKU-MONITOR")).toBe(before);
    expect(releases.filter((r) => r.status === "fulfilled" && r.value.released)).toHaveLength(1);
  });
});
