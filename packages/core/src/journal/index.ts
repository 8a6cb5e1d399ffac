import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { DomainError, isConditionalCheckFailed } from "../errors";
import { orderKey } from "../order/keys";
import { JournalEntry, type JournalKind } from "./schema";

export * from "./schema";

export function journalEntry(input: {
  kind: JournalKind;
  message: string;
  correlationId: string;
  actor: string;
  at?: string;
  data?: Record<string, unknown>;
}): JournalEntry {
  return JournalEntry.parse({ ...input, at: input.at ?? new Date().toISOString() });
}

/**
 * The UpdateExpression fragment that appends entries to an item's journal,
 * for callers that fold the entry into their own state-change write.
 */
export const appendJournalExpression =
  "#journal = list_append(if_not_exists(#journal, :emptyJournal), :journalEntries)";
export const journalNames = { "#journal": "journal" } as const;
export const journalValues = (...entries: JournalEntry[]) => ({
  ":journalEntries": entries,
  ":emptyJournal": [],
});

/** Merge the journals of an order's items into one timeline, oldest first. */
export function timeline(items: readonly { journal?: unknown }[]): JournalEntry[] {
  return items
    .flatMap((item) => (Array.isArray(item.journal) ? item.journal : []))
    .map((entry) => JournalEntry.safeParse(entry))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * Append an entry to an existing order on its own (operator actions, DLQ
 * arrivals, redrives): the admin API and the local cloud call this. With
 * `once`, the entry is appended only if none was under that key before (the
 * order keeps its keys in a set), so a redelivered message writes its entry
 * once. Returns whether it was appended.
 */
export async function appendToOrder(
  db: { doc: DynamoDBDocumentClient; ordersTable: string },
  orderId: string,
  entry: JournalEntry,
  once?: string,
): Promise<boolean> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.ordersTable,
        Key: orderKey(orderId),
        UpdateExpression: `SET ${appendJournalExpression}${once ? " ADD #keys :keys" : ""}`,
        ConditionExpression: `attribute_exists(pk)${once ? " AND NOT contains(#keys, :key)" : ""}`,
        ExpressionAttributeNames: { ...journalNames, ...(once ? { "#keys": "journalKeys" } : {}) },
        ExpressionAttributeValues: {
          ...journalValues(JournalEntry.parse(entry)),
          ...(once ? { ":keys": new Set([once]), ":key": once } : {}),
        },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The order exists, so the condition that failed is `once`'s.
    if ((error as { Item?: unknown }).Item) return false;
    throw new DomainError("ORDER_NOT_FOUND", `Order ${orderId} does not exist`, 404);
  }
}
