import type { OrdersDb } from "../order/repository";
import type { NotificationSender } from "./http-provider";
import { recordNotification, wasNotified } from "./repository";
import {
  legacyNotificationKey,
  type NotificationContent,
  notificationKey,
  renderNotification,
} from "./rules";
import type { Channel, Delivery } from "./schema";

// Customer notifications, one consumer per channel (SNS → per-channel SQS).
// A notification is identified by (order, status, channel). The notifier sends
// it to the provider with that identity as the idempotency key, then records it
// on the order with a conditional write: the provider delivers a key once (a
// crash between send and record, or two racing deliveries of one message, is
// answered from its ledger), and the record lets a redelivery, a replay or a
// redrive skip the provider altogether (also after the provider has forgotten
// the key).

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
