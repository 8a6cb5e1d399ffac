import { type JournalEntry, journalEntry } from "../journal";
import { detailTypes, notifications } from "../topology/resources";
import type { Channel } from "./schema";

// Customer notifications' rules, plain functions over data: a notification's
// identity (order, status, channel), which channel a queue serves, which
// notifications an order's events imply, what the customer is told, and the
// journal entry that records a sent one.

/** The provider's idempotency key and the order's record of the notification. */
export const notificationKey = (orderId: string, status: string, channel: Channel) =>
  `${orderId}:${status}#${channel}`;

/** Recorded before notifications were keyed by status: `<eventId>#<channel>`. */
export const legacyNotificationKey = (eventId: string, channel: Channel) => `${eventId}#${channel}`;

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

/** The order's journal entry for a sent notification. */
export function notificationEntry(input: {
  correlationId: string;
  eventId: string;
  channel: Channel;
  status: string;
  deliveryId?: string | undefined;
  at?: string | undefined;
}): JournalEntry {
  return journalEntry({
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
}
