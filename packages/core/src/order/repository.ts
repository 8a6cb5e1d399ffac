import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { DomainError, isConditionalCheckFailed } from "../errors";
import {
  appendJournalExpression,
  type JournalEntry,
  journalNames,
  journalValues,
  timeline,
} from "../journal";
import { indexes, orderKey, orderPk, statusGsi } from "./keys";
import { OrderRecord } from "./schema";
import { type OrderStatus, statusGuard } from "./status";

// DynamoDB adapter for orders. Every status change goes through
// `transitionOrder`: one UpdateItem guarded by the allowed predecessors of the
// target status, carrying its journal entry and any other attributes the step
// changes, so state, status index and timeline move in one write.

export interface OrdersDb {
  doc: DynamoDBDocumentClient;
  ordersTable: string;
}

export type CreateOutcome =
  | { outcome: "created"; order: OrderRecord }
  | { outcome: "exists"; existing: OrderRecord };

/** First writer wins; the loser gets the winner's item back without a second read. */
export async function createOrder(db: OrdersDb, order: OrderRecord): Promise<CreateOutcome> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.ordersTable,
        Item: order,
        ConditionExpression: "attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return { outcome: "created", order };
  } catch (error) {
    if (isConditionalCheckFailed(error)) {
      const item = (error as { Item?: Record<string, unknown> }).Item;
      const existing = item
        ? OrderRecord.parse(unmarshallIfNeeded(item))
        : await getOrder(db, order.orderId);
      if (!existing) throw error;
      return { outcome: "exists", existing };
    }
    throw error;
  }
}

// The document client returns `Item` on a ConditionalCheckFailedException as
// raw attribute values (it does not translate errors).
export function unmarshallIfNeeded(item: Record<string, unknown>) {
  const first = Object.values(item)[0] as Record<string, unknown> | undefined;
  const looksRaw =
    first !== null &&
    typeof first === "object" &&
    !Array.isArray(first) &&
    Object.keys(first).length === 1 &&
    ["S", "N", "BOOL", "M", "L", "NULL", "SS", "NS", "B", "BS"].includes(Object.keys(first)[0]!);
  return looksRaw ? unmarshall(item as Parameters<typeof unmarshall>[0]) : item;
}

export async function getOrder(db: OrdersDb, orderId: string): Promise<OrderRecord | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.ordersTable, Key: orderKey(orderId), ConsistentRead: true }),
  );
  return Item ? OrderRecord.parse(Item) : undefined;
}

export async function requireOrder(db: OrdersDb, orderId: string): Promise<OrderRecord> {
  const order = await getOrder(db, orderId);
  if (!order) throw new DomainError("ORDER_NOT_FOUND", `Order ${orderId} does not exist`, 404);
  return order;
}

/** Every item of the order's partition: META, PAYMENT. */
export async function getOrderItems(db: OrdersDb, orderId: string) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.ordersTable,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": orderPk(orderId) },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export interface OrderDetails {
  order: OrderRecord;
  payment: Record<string, unknown> | undefined;
  timeline: JournalEntry[];
}

/** The order with its payment and the merged timeline of every hop. */
export async function getOrderDetails(
  db: OrdersDb,
  orderId: string,
): Promise<OrderDetails | undefined> {
  const items = await getOrderItems(db, orderId);
  const meta = items.find((item) => item.sk === "META");
  if (!meta) return undefined;
  return {
    order: OrderRecord.parse(meta),
    payment: items.find((item) => item.sk === "PAYMENT"),
    timeline: timeline(items),
  };
}

export interface Transition {
  orderId: string;
  to: OrderStatus;
  at: string;
  /** One entry, or several written together. */
  entry: JournalEntry | JournalEntry[];
  /** Further attributes to SET in the same write (name → value). */
  set?: Record<string, unknown>;
  /** Extra condition ANDed to the status guard, with its names/values. */
  condition?: {
    expression: string;
    names?: Record<string, string>;
    values?: Record<string, unknown>;
  };
}

export type TransitionResult =
  | { changed: true; order: OrderRecord }
  | { changed: false; current: OrderRecord | undefined };

/**
 * Move the order to `to` if its status allows it. Never throws on a refused
 * transition: returns the current item so the caller decides whether that is
 * a harmless repeat (already there) or a conflict.
 */
export async function transitionOrder(db: OrdersDb, t: Transition): Promise<TransitionResult> {
  const guard = statusGuard(t.to);
  const set = {
    ...t.set,
    status: t.to,
    updatedAt: t.at,
    statusChangedAt: t.at,
    ...statusGsi(t.to, t.at, t.orderId),
  };
  const names: Record<string, string> = {
    ...journalNames,
    "#status": "status",
    ...t.condition?.names,
  };
  const values: Record<string, unknown> = {
    ...journalValues(...[t.entry].flat()),
    ...guard.values,
    ...t.condition?.values,
  };
  const assignments = Object.entries(set).map(([path, value], i) => {
    // Dotted names address nested attributes (reservation.state).
    const segments = path.split(".").map((segment, j) => {
      names[`#s${i}_${j}`] = segment;
      return `#s${i}_${j}`;
    });
    values[`:s${i}`] = value;
    return `${segments.join(".")} = :s${i}`;
  });
  try {
    const { Attributes } = await db.doc.send(
      new UpdateCommand({
        TableName: db.ordersTable,
        Key: orderKey(t.orderId),
        UpdateExpression: `SET ${[...assignments, appendJournalExpression].join(", ")}`,
        ConditionExpression: `attribute_exists(pk) AND ${guard.expression}${t.condition ? ` AND (${t.condition.expression})` : ""}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return { changed: true, order: OrderRecord.parse(Attributes) };
  } catch (error) {
    if (isConditionalCheckFailed(error)) {
      const item = (error as { Item?: Record<string, unknown> }).Item;
      return {
        changed: false,
        current: item ? OrderRecord.parse(unmarshallIfNeeded(item)) : undefined,
      };
    }
    throw error;
  }
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

// A page cursor is an index's LastEvaluatedKey, base64url JSON. Whatever a
// client sends back that is not one is their mistake (400 INVALID_NEXT_TOKEN),
// never a DynamoDB ValidationException surfacing as a 500.
const CURSOR_ATTRIBUTES = /^(pk|sk|gsi[1-3](pk|sk))$/;

export const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString("base64url") : undefined;

export function decodeCursor(token: string | undefined): Record<string, string> | undefined {
  if (!token) return undefined;
  const invalid = () =>
    new DomainError("INVALID_NEXT_TOKEN", "nextToken is not a cursor this API handed out", 400);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, "base64url").toString());
  } catch {
    throw invalid();
  }
  const valid =
    key !== null &&
    typeof key === "object" &&
    !Array.isArray(key) &&
    Object.keys(key).length > 0 &&
    Object.entries(key).every(([k, v]) => CURSOR_ATTRIBUTES.test(k) && typeof v === "string");
  if (!valid) throw invalid();
  return key as Record<string, string>;
}

/** Which orders to list: exactly one of status, customer or correlation picks the index. */
export interface OrderFilter {
  status?: string | undefined;
  customerId?: string | undefined;
  correlationId?: string | undefined;
  /** ISO timestamps bounding the index's sort key (status and customer indexes). */
  from?: string | undefined;
  to?: string | undefined;
  nextToken?: string | undefined;
  limit: number;
}

function partitionFor(filter: OrderFilter) {
  if (filter.status)
    return {
      index: indexes.byStatus,
      hash: "gsi1pk",
      sort: "gsi1sk",
      value: `STATUS#${filter.status}`,
    };
  if (filter.customerId)
    return {
      index: indexes.byCustomer,
      hash: "gsi2pk",
      sort: "gsi2sk",
      value: `CUSTOMER#${filter.customerId}`,
    };
  return {
    index: indexes.byCorrelation,
    hash: "gsi3pk",
    sort: undefined,
    value: `CORRELATION#${filter.correlationId}`,
  };
}

/**
 * One page of orders from one index partition, newest first. Each GSI's sort
 * key starts with an ISO timestamp, so a date range is a BETWEEN on it (still
 * one partition, never a scan).
 */
export async function listOrders(db: OrdersDb, filter: OrderFilter): Promise<Page<OrderRecord>> {
  const p = partitionFor(filter);
  const ranged = p.sort && (filter.from || filter.to);
  const page = await db.doc.send(
    new QueryCommand({
      TableName: db.ordersTable,
      IndexName: p.index,
      KeyConditionExpression: ranged ? "#h = :h AND #s BETWEEN :from AND :to" : "#h = :h",
      ExpressionAttributeNames: { "#h": p.hash, ...(ranged ? { "#s": p.sort! } : {}) },
      ExpressionAttributeValues: {
        ":h": p.value,
        ...(ranged
          ? { ":from": filter.from ?? "0000", ":to": `${filter.to ?? "9999"}\uffff` }
          : {}),
      },
      ScanIndexForward: false,
      Limit: filter.limit,
      ExclusiveStartKey: decodeCursor(filter.nextToken),
    }),
  );
  return {
    items: (page.Items ?? []).map((item) => OrderRecord.parse(item)),
    nextToken: encodeCursor(page.LastEvaluatedKey),
  };
}
