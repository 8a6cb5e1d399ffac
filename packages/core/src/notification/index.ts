import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors";
import { appendJournalExpression, journalEntry, journalNames, journalValues } from "../journal";
import { orderKey } from "../order/keys";
import type { OrdersDb } from "../order/repository";
import { OrderRecord } from "../order/schema";
import { detailTypes, notifications } from "../topology/resources";
import type { NotificationSender } from "./http-provider";
import type { Channel, Delivery } from "./schema";

// Customer notifications, one consumer per channel (SNS → per-channel SQS).
// A notification is identified by (order, status, channel). The notifier sends
// it to the provider with that identity as the idempotency key, then records it
// on the order with a conditional write: the provider delivers a key once (a
// crash between send and record, or two racing deliveries of one message, is
// answered from its ledger), and the record lets a redelivery, a replay or a
// redrive skip the provider altogether (also after the provider has forgotten
// the key).

export * from "./http-provider";
export * from "./sandbox";
export * from "./schema";

/** The provider's idempotency key and the order's record of the notification. */
export const notificationKey = (orderId: string, status: string, channel: Channel) =>
  `${orderId}:${status}#${channel}`;

/** Recorded before notifications were keyed by status: `<eventId>#<channel>`. */
const legacyNotificationKey = (eventId: string, channel: Channel) => `${eventId}#${channel}`;

/** Which channel a queue serves, from its ARN or URL (EmailQueue…, SmsQueue…). */
export function channelForQueue(queueArnOrUrl: string): Channel | undefined {
  const name = queueArnOrUrl.split(/[:/]/).at(-1) ?? "";
  if (/email/i.test(name)) return "email";
  if (/sms/i.test(name)) return "sms";
  return undefined;
}

/**
 * The (status, channel) notifications an order's events imply, by the
 * topology's subscriptions: ACCEPTED comes with OrderPlaced, every later
 * status with OrderStatusChanged. Statuses only move forward, so the ones an
 * order reached are its first, AWAITING_APPROVAL if it was ever flagged for a
 * decision, and its current one.
 */
export function impliedNotifications(order: {
  status: string;
  approval?: unknown;
}): { status: string; channel: Channel }[] {
  const reached = new Set(["ACCEPTED", order.status]);
  if (order.approval) reached.add("AWAITING_APPROVAL");
  return Object.entries(notifications.subscriptions).flatMap(([queue, filter]) => {
    const channel = channelForQueue(queue);
    const types: readonly string[] = filter["detail-type"];
    const statuses: readonly string[] = filter.detail.status;
    return statuses
      .filter((status) => reached.has(status) && channel)
      .filter((status) =>
        types.includes(
          status === "ACCEPTED" ? detailTypes.OrderPlaced : detailTypes.OrderStatusChanged,
        ),
      )
      .map((status) => ({ status, channel: channel! }));
  });
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
  const entry = journalEntry({
    ...(input.at ? { at: input.at } : {}),
    kind: "NOTIFICATION_SENT",
    message: `Customer notified by ${input.channel}: ${input.status}`,
    correlationId: input.correlationId,
    actor: `notifier:${input.channel}`,
    data: {
      eventId: input.eventId,
      channel: input.channel,
      status: input.status,
      ...(input.deliveryId ? { deliveryId: input.deliveryId } : {}),
    },
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

export interface NotificationInput extends NotificationContent {
  eventId: string;
  correlationId: string;
  customerId: string;
  channel: Channel;
}

export type NotifyOutcome =
  | { outcome: "already-recorded" }
  | { outcome: "sent"; delivery: Delivery; recorded: boolean };

/**
 * Send one notification and record it: skipped if the order already records
 * it; otherwise sent with its (order, status, channel) key, then recorded. A
 * provider error rejects before anything is recorded, so the message is retried.
 */
export async function notifyCustomer(
  deps: { db: OrdersDb; sender: NotificationSender },
  input: NotificationInput,
): Promise<NotifyOutcome> {
  const key = notificationKey(input.orderId, input.status, input.channel);
  if (
    await wasNotified(
      deps.db,
      input.orderId,
      key,
      legacyNotificationKey(input.eventId, input.channel),
    )
  )
    return { outcome: "already-recorded" };
  const { subject, text } = renderNotification(input.channel, input);
  const delivery = await deps.sender.send(
    {
      channel: input.channel,
      to: input.customerId,
      ...(subject ? { subject } : {}),
      text,
      reference: input.orderId,
      metadata: { status: input.status },
    },
    key,
  );
  const recorded = await recordNotification(deps.db, {
    orderId: input.orderId,
    correlationId: input.correlationId,
    eventId: input.eventId,
    channel: input.channel,
    status: input.status,
    deliveryId: delivery.id,
  });
  return { outcome: "sent", delivery, recorded };
}
