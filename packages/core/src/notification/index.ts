import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { isConditionalCheckFailed } from "../errors";
import { appendJournalExpression, journalEntry, journalNames, journalValues } from "../journal";
import { orderKey } from "../order/keys";
import type { OrdersDb } from "../order/repository";
import { OrderRecord } from "../order/schema";

// Customer notifications, one consumer per channel (SNS → per-channel SQS).
// A notification is identified by (event id, channel): the notifier records it
// on the order with a conditional write, so a duplicate delivery, a replay or
// a redrive never notifies twice (once recorded).

export const Channel = z.enum(["email", "sms"]);
export type Channel = z.infer<typeof Channel>;

export const notificationKey = (eventId: string, channel: Channel) => `${eventId}#${channel}`;

/** Which channel a queue serves, from its ARN or URL (EmailQueue…, SmsQueue…). */
export function channelForQueue(queueArnOrUrl: string): Channel | undefined {
  const name = queueArnOrUrl.split(/[:/]/).at(-1) ?? "";
  if (/email/i.test(name)) return "email";
  if (/sms/i.test(name)) return "sms";
  return undefined;
}

export interface NotificationContent {
  orderId: string;
  status: string;
  reason?: string | undefined;
  totalCents: number;
  currency: string;
}

/** What the customer is told, per status. */
export function renderNotification(
  channel: Channel,
  n: NotificationContent,
): { subject: string; text: string } {
  const amount = `${(n.totalCents / 100).toFixed(2)} ${n.currency}`;
  const lines: Record<string, string> = {
    ACCEPTED: `We received your order ${n.orderId} (${amount}).`,
    AWAITING_APPROVAL: `Your order ${n.orderId} is being reviewed; we will let you know shortly.`,
    FULFILLED: `Your order ${n.orderId} is on its way.`,
    CANCELLED: `Your order ${n.orderId} was cancelled${n.reason ? `: ${n.reason}` : ""}. You have not been charged.`,
  };
  const text = lines[n.status] ?? `Your order ${n.orderId} is now ${n.status}.`;
  return { subject: channel === "email" ? `Order ${n.orderId}: ${n.status}` : "", text };
}

/**
 * True if this (event, channel) was already recorded: skip sending. Reads only
 * the order's `notifications` (the item also carries the whole journal, which
 * this check has no use for).
 */
export async function wasNotified(db: OrdersDb, orderId: string, key: string): Promise<boolean> {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.ordersTable,
      Key: orderKey(orderId),
      ProjectionExpression: "notifications",
      ConsistentRead: true,
    }),
  );
  const sent = OrderRecord.shape.notifications.parse(Item?.notifications);
  return sent?.includes(key) ?? false;
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
    at?: string;
  },
): Promise<boolean> {
  const key = notificationKey(input.eventId, input.channel);
  const entry = journalEntry({
    ...(input.at ? { at: input.at } : {}),
    kind: "NOTIFICATION_SENT",
    message: `Customer notified by ${input.channel}: ${input.status}`,
    correlationId: input.correlationId,
    actor: `notifier:${input.channel}`,
    data: { eventId: input.eventId, channel: input.channel },
  });
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
