import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors";
import {
  appendJournalExpression,
  type JournalEntry,
  journalNames,
  journalValues,
} from "../journal";
import { indexes, orderKey } from "../order/keys";
import { type OrdersDb, type Page, transitionOrder, unmarshallIfNeeded } from "../order/repository";
import { OrderRecord } from "../order/schema";
import type { Approval, DecisionToDeliver } from "./schema";

// DynamoDB adapter for approvals: they live on the order's META item, so every
// write is a conditional UpdateItem on it (status index and journal moving in
// the same write) and every list a query of the byStatus index.

export type WriteResult = { written: true } | { written: false; current: OrderRecord | undefined };

/** PENDING approval on the order (→ AWAITING_APPROVAL), once: refused if it has one already. */
export async function savePendingApproval(
  db: OrdersDb,
  input: { orderId: string; approval: Approval; entry: JournalEntry; at: string },
): Promise<WriteResult> {
  const result = await transitionOrder(db, {
    orderId: input.orderId,
    to: "AWAITING_APPROVAL",
    at: input.at,
    set: { approval: input.approval },
    condition: { expression: "attribute_not_exists(approval)" },
    entry: input.entry,
  });
  return result.changed ? { written: true } : { written: false, current: result.current };
}

const pendingCondition = (at: string) => ({
  expression: "approval.#astatus = :pending AND approval.deadline > :now",
  names: { "#astatus": "status" },
  values: { ":pending": "PENDING", ":now": at },
});

/**
 * The decision's commit point: PENDING → APPROVED | REJECTED before the
 * deadline, in one conditional write that keeps the task token on the item.
 * An approval moves the order to APPROVED; a rejection leaves the status to
 * the saga's compensation (→ CANCELLED).
 */
export async function saveDecision(
  db: OrdersDb,
  input: {
    orderId: string;
    status: "APPROVED" | "REJECTED";
    fields: Record<string, unknown>;
    entry: JournalEntry;
    at: string;
  },
): Promise<WriteResult> {
  const condition = pendingCondition(input.at);
  if (input.status === "APPROVED") {
    const result = await transitionOrder(db, {
      orderId: input.orderId,
      to: "APPROVED",
      at: input.at,
      set: input.fields,
      condition,
      entry: input.entry,
    });
    return result.changed ? { written: true } : { written: false, current: result.current };
  }
  const names: Record<string, string> = {
    ...journalNames,
    ...condition.names,
    "#status": "status",
  };
  const values: Record<string, unknown> = {
    ...journalValues(input.entry),
    ...condition.values,
    ":awaiting": "AWAITING_APPROVAL",
    ":at": input.at,
  };
  const sets = Object.entries(input.fields).map(([path, value], i) => {
    values[`:v${i}`] = value;
    const [head, tail] = path.split(".");
    names[`#v${i}`] = tail!;
    return `${head}.#v${i} = :v${i}`;
  });
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.ordersTable,
        Key: orderKey(input.orderId),
        UpdateExpression: `SET ${[...sets, "updatedAt = :at", appendJournalExpression].join(", ")}`,
        ConditionExpression: `#status = :awaiting AND ${condition.expression}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return { written: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const item = (error as { Item?: Record<string, unknown> }).Item;
    return {
      written: false,
      current: item ? OrderRecord.parse(unmarshallIfNeeded(item)) : undefined,
    };
  }
}

/** APPROVED/REJECTED → EXPIRED, only for this decision (its token, still in that status). */
export async function saveExpired(
  db: OrdersDb,
  decision: DecisionToDeliver,
  entry: JournalEntry,
  at: string,
): Promise<boolean> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.ordersTable,
        Key: orderKey(decision.orderId),
        UpdateExpression: `SET approval.#astatus = :expired, updatedAt = :at, ${appendJournalExpression}`,
        ConditionExpression: "approval.#astatus = :decided AND approval.taskToken = :token",
        ExpressionAttributeNames: { ...journalNames, "#astatus": "status" },
        ExpressionAttributeValues: {
          ...journalValues(entry),
          ":expired": "EXPIRED",
          ":decided": decision.status,
          ":token": decision.taskToken,
          ":at": at,
        },
      }),
    );
    return true;
  } catch (error) {
    // A redelivery after the first marked it: nothing left to do.
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Orders whose approval is PENDING, oldest request (nearest deadline) first. */
export async function queryPendingApprovals(
  db: OrdersDb,
  options: { limit?: number; nextToken?: string } = {},
): Promise<Page<OrderRecord>> {
  const page = await db.doc.send(
    new QueryCommand({
      TableName: db.ordersTable,
      IndexName: indexes.byStatus,
      KeyConditionExpression: "gsi1pk = :pk",
      FilterExpression: "approval.#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":pk": "STATUS#AWAITING_APPROVAL", ":pending": "PENDING" },
      Limit: options.limit ?? 50,
      ExclusiveStartKey: options.nextToken
        ? JSON.parse(Buffer.from(options.nextToken, "base64url").toString())
        : undefined,
    }),
  );
  return {
    items: (page.Items ?? []).map((item) => OrderRecord.parse(item)),
    nextToken: page.LastEvaluatedKey
      ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString("base64url")
      : undefined,
  };
}

/**
 * Orders with a decided (or expired) approval, newest first, at most `limit`.
 * Decided approvals sit on orders that moved on: APPROVED, then FULFILLED or
 * CANCELLED. Newest first within each partition, merged by decision time.
 */
export async function queryDecidedApprovals(db: OrdersDb, limit: number): Promise<OrderRecord[]> {
  const pages = await Promise.all(
    (["APPROVED", "FULFILLED", "CANCELLED", "AWAITING_APPROVAL"] as const).map((status) =>
      db.doc.send(
        new QueryCommand({
          TableName: db.ordersTable,
          IndexName: indexes.byStatus,
          KeyConditionExpression: "gsi1pk = :pk",
          FilterExpression: "attribute_exists(approval) AND approval.#s <> :pending",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":pk": `STATUS#${status}`, ":pending": "PENDING" },
          ScanIndexForward: false,
          Limit: 200,
        }),
      ),
    ),
  );
  const decidedAt = (order: OrderRecord) => order.approval?.decidedAt ?? order.approval!.deadline;
  return pages
    .flatMap((page) => page.Items ?? [])
    .map((item) => OrderRecord.parse(item))
    .sort((a, b) => decidedAt(b).localeCompare(decidedAt(a)))
    .slice(0, limit);
}
