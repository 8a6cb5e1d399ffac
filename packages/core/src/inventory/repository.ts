import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed, transactionCancellationReasons } from "../errors";
import { appendJournalExpression, journalEntry, journalNames, journalValues } from "../journal";
import { orderKey } from "../order/keys";
import type { PricedSku } from "../order/pricing";
import { getOrder, requireOrder } from "../order/repository";
import type { OrderRecord, Reservation } from "../order/schema";
import { InvalidOrderState, OutOfStock, TransientError } from "../saga/errors";
import { catalog as seedCatalogItems } from "./catalog";
import { type CatalogEntry, type CatalogItem, StockRecord, stockKey, stockRecord } from "./schema";

// DynamoDB adapter for stock. A reservation is one TransactWriteItems: every
// line's `available >= :q` decrement (never oversell, seed §8.4) plus the
// reservation record on the order's META item (`attribute_not_exists`, so a
// retried step is a no-op). Release and ship are guarded on the record's state.

export interface InventoryDb {
  doc: DynamoDBDocumentClient;
  inventoryTable: string;
  ordersTable: string;
}

/** Prices and review flags for the given SKUs (missing SKUs are simply absent). */
export async function loadPrices(
  db: Pick<InventoryDb, "doc" | "inventoryTable">,
  skus: string[],
): Promise<Map<string, PricedSku>> {
  const prices = new Map<string, PricedSku>();
  let keys: Record<string, unknown>[] = [...new Set(skus)].map(stockKey);
  for (let attempt = 0; keys.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    if (attempt > 5) throw new TransientError("inventory: unprocessed keys after retries");
    const out = await db.doc.send(
      new BatchGetCommand({ RequestItems: { [db.inventoryTable]: { Keys: keys } } }),
    );
    for (const item of out.Responses?.[db.inventoryTable] ?? []) {
      const stock = StockRecord.parse(item);
      prices.set(stock.sku, {
        sku: stock.sku,
        name: stock.name,
        priceCents: stock.priceCents,
        currency: stock.currency,
        reviewRequired: stock.reviewRequired,
      });
    }
    keys = (out.UnprocessedKeys?.[db.inventoryTable]?.Keys ?? []) as Record<string, unknown>[];
  }
  return prices;
}

/** The whole catalogue with live availability, sorted by SKU. */
export async function listCatalog(
  db: Pick<InventoryDb, "doc" | "inventoryTable">,
): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({
        TableName: db.inventoryTable,
        FilterExpression: "entity = :sku",
        ExpressionAttributeValues: { ":sku": "SKU" },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const stock = StockRecord.parse(item);
      entries.push({
        sku: stock.sku,
        name: stock.name,
        priceCents: stock.priceCents,
        currency: stock.currency,
        available: stock.available,
        reviewRequired: stock.reviewRequired,
      });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return entries.sort((a, b) => a.sku.localeCompare(b.sku));
}

/**
 * Seed the catalogue. Existing SKUs are left alone (their stock is live
 * state), so this is safe on every start. Returns the SKUs it created.
 */
export async function seedCatalog(
  db: Pick<InventoryDb, "doc" | "inventoryTable">,
  items: readonly CatalogItem[] = seedCatalogItems,
): Promise<string[]> {
  const created: string[] = [];
  for (const item of items) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.inventoryTable,
          Item: stockRecord(item),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      created.push(item.sku);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
  return created;
}

export const reservationIdFor = (orderId: string) => `res_${orderId.replace(/^ord_/, "")}`;

/** What a reservation holds of an order: each line's SKU and quantity. */
export const reservationLines = (order: Pick<OrderRecord, "lines">): Reservation["lines"] =>
  order.lines.map(({ sku, quantity }) => ({ sku, quantity }));

export interface StepContext {
  orderId: string;
  correlationId: string;
  executionArn?: string;
  /** The order's lines when the caller has them (the saga's claim does): no re-read. */
  lines?: Reservation["lines"] | undefined;
  now?: () => Date;
}

/**
 * Reserve every line of the order at once; idempotent on the order. The
 * transaction's guard on the order (PROCESSING, no reservation yet) is what
 * decides, so lines handed in by the saga need no read of the order first.
 */
export async function reserveInventory(db: InventoryDb, step: StepContext): Promise<Reservation> {
  let lines = step.lines;
  if (!lines) {
    const order = await requireOrder(db, step.orderId);
    if (order.reservation) return order.reservation;
    if (order.status !== "PROCESSING") {
      throw new InvalidOrderState(`cannot reserve stock for an order in ${order.status}`);
    }
    lines = reservationLines(order);
  }
  const at = (step.now?.() ?? new Date()).toISOString();
  const reservation: Reservation = {
    reservationId: reservationIdFor(step.orderId),
    state: "HELD",
    lines,
    at,
  };
  const entry = journalEntry({
    at,
    kind: "INVENTORY_RESERVED",
    message: `Reserved ${reservation.lines.map((l) => `${l.quantity}× ${l.sku}`).join(", ")}`,
    correlationId: step.correlationId,
    actor: "saga:reserve-inventory",
    data: { reservationId: reservation.reservationId },
  });
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          ...reservation.lines.map((line) => ({
            Update: {
              TableName: db.inventoryTable,
              Key: stockKey(line.sku),
              UpdateExpression: "SET available = available - :q",
              ConditionExpression: "available >= :q",
              ExpressionAttributeValues: { ":q": line.quantity },
            },
          })),
          {
            Update: {
              TableName: db.ordersTable,
              Key: orderKey(step.orderId),
              UpdateExpression: `SET reservation = :reservation, updatedAt = :at, ${appendJournalExpression}`,
              ConditionExpression: "attribute_not_exists(reservation) AND #status = :processing",
              ExpressionAttributeNames: { ...journalNames, "#status": "status" },
              ExpressionAttributeValues: {
                ":reservation": reservation,
                ":at": at,
                ":processing": "PROCESSING",
                ...journalValues(entry),
              },
            },
          },
        ],
      }),
    );
    return reservation;
  } catch (error) {
    const reasons = transactionCancellationReasons(error);
    if (!reasons) throw error;
    if (reasons.some((r) => r.Code === "TransactionConflict" || r.Code === "ThrottlingError")) {
      throw new TransientError("inventory: transaction conflict, retry");
    }
    const orderFailed = reasons[reservation.lines.length]?.Code === "ConditionalCheckFailed";
    if (orderFailed) {
      // Another attempt of this step won the race (its reservation stands), or
      // the order left PROCESSING.
      const current = await getOrder(db, step.orderId);
      if (current?.reservation) return current.reservation;
      throw new InvalidOrderState(`cannot reserve stock for an order in ${current?.status}`);
    }
    const short = reservation.lines.filter((_, i) => reasons[i]?.Code === "ConditionalCheckFailed");
    throw new OutOfStock(`Not enough stock for ${short.map((l) => l.sku).join(", ")}`, {
      skus: short.map((l) => l.sku),
    });
  }
}

/** Give a held reservation's stock back; a no-op if there is none or it is gone. */
export async function releaseInventory(
  db: InventoryDb,
  step: StepContext,
): Promise<{ released: boolean }> {
  const order = await getOrder(db, step.orderId);
  if (order?.reservation?.state !== "HELD") return { released: false };
  const at = (step.now?.() ?? new Date()).toISOString();
  const entry = journalEntry({
    at,
    kind: "INVENTORY_RELEASED",
    message: `Released ${order.reservation.lines.map((l) => `${l.quantity}× ${l.sku}`).join(", ")}`,
    correlationId: step.correlationId,
    actor: "saga:release-inventory",
    data: { reservationId: order.reservation.reservationId },
  });
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          ...order.reservation.lines.map((line) => ({
            Update: {
              TableName: db.inventoryTable,
              Key: stockKey(line.sku),
              UpdateExpression: "SET available = available + :q",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":q": line.quantity },
            },
          })),
          {
            Update: {
              TableName: db.ordersTable,
              Key: orderKey(step.orderId),
              UpdateExpression: `SET reservation.#state = :released, updatedAt = :at, ${appendJournalExpression}`,
              ConditionExpression: "reservation.#state = :held",
              ExpressionAttributeNames: { ...journalNames, "#state": "state" },
              ExpressionAttributeValues: {
                ":released": "RELEASED",
                ":held": "HELD",
                ":at": at,
                ...journalValues(entry),
              },
            },
          },
        ],
      }),
    );
    return { released: true };
  } catch (error) {
    const reasons = transactionCancellationReasons(error);
    if (!reasons) throw error;
    if (reasons.some((r) => r.Code === "TransactionConflict" || r.Code === "ThrottlingError")) {
      throw new TransientError("inventory: transaction conflict, retry");
    }
    // Released (or shipped) concurrently: nothing left to give back.
    if (reasons.at(-1)?.Code === "ConditionalCheckFailed") return { released: false };
    throw error;
  }
}
