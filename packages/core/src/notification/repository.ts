import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors";
import { appendJournalExpression, journalNames, journalValues } from "../journal";
import { orderKey } from "../order/keys";
import type { OrdersDb } from "../order/repository";
import { OrderRecord } from "../order/schema";
import { notificationEntry, notificationKey } from "./rules";
import type { Channel } from "./schema";

// DynamoDB adapter for notifications: the keys of the notifications sent are
// kept on the order's META item (`notifications`), each added with its journal
// entry in one conditional write.

/**
 * True if one of these keys was already recorded: skip sending. Reads only
 * the order's `notifications` (the item also carries the whole journal, which
 * this check has no use for).
 */
export async function wasNotified(
  db: OrdersDb,
  orderId: string,
  ...keys: string[]
): Promise<boolean> {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.ordersTable,
      Key: orderKey(orderId),
      ProjectionExpression: "notifications",
      ConsistentRead: true,
    }),
  );
  const sent = OrderRecord.shape.notifications.parse(Item?.notifications);
  return keys.some((key) => sent?.includes(key));
}

/** Record a sent notification on the order; false if it was already recorded. */
export async function recordNotification(
  db: OrdersDb,
  input: {
    orderId: string;
    correlationId: string;
    eventId: string;
    channel: Channel;
    status: string;
    deliveryId?: string;
    at?: string;
  },
): Promise<boolean> {
  const key = notificationKey(input.orderId, input.status, input.channel);
  const entry = notificationEntry(input);
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.ordersTable,
        Key: orderKey(input.orderId),
        UpdateExpression: `SET notifications = list_append(if_not_exists(notifications, :emptyJournal), :keyList), ${appendJournalExpression}`,
        ConditionExpression: "attribute_exists(pk) AND NOT contains(notifications, :key)",
        ExpressionAttributeNames: journalNames,
        ExpressionAttributeValues: { ...journalValues(entry), ":keyList": [key], ":key": key },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
