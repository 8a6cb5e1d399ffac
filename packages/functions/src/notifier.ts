import { OrderEvent } from "@orders/core/events";
import {
  channelForQueue,
  notificationKey,
  recordNotification,
  renderNotification,
  wasNotified,
} from "@orders/core/notification";
import type { WorkQueueName } from "@orders/core/topology";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { documents } from "./lib/clients";
import { count, instrumented, recordLogger, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";
import { consumeSqsBatch } from "./lib/sqs-consumer";

// One consumer per channel queue (email, sms) behind the notifications topic
// (seed §5.1). With raw delivery the body is the EventBridge event itself.
// A notification is sent once per (event id, channel): already recorded →
// skipped; otherwise sent, then recorded on the order with a conditional write.

const channelQueue: Record<string, WorkQueueName | undefined> = {
  email: "EmailQueue",
  sms: "SmsQueue",
};

/** Raw delivery gives the event; a non-raw subscription wraps it in an SNS envelope. */
function unwrap(body: string): unknown {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (parsed.Type === "Notification" && typeof parsed.Message === "string")
    return JSON.parse(parsed.Message);
  return parsed;
}

async function recordHandler(record: SQSRecord) {
  const channel = channelForQueue(record.eventSourceARN);
  if (!channel) throw new Error(`no notification channel for queue ${record.eventSourceARN}`);
  const event = OrderEvent.parse(unwrap(record.body));
  const detail = event.detail;
  const log = recordLogger(detail.correlationId, { order_id: detail.orderId, channel });
  const db = { doc: documents, ordersTable: Resource.OrdersTable.name };
  const key = notificationKey(detail.eventId, channel);
  if (await wasNotified(db, detail.orderId, key)) {
    log.info("notification already sent; skipping", { eventId: detail.eventId });
    return;
  }
  const message = renderNotification(channel, {
    orderId: detail.orderId,
    status: detail.status,
    reason: "reason" in detail ? detail.reason : undefined,
    totalCents: detail.totalCents,
    currency: detail.currency,
  });
  // Sandbox delivery: the message goes to the log (a real sender would call SES / SNS SMS here).
  log.info("notification sent", { to: detail.customerId, ...message });
  if (await recordNotification(db, { ...detail, channel, status: detail.status }))
    count("NotificationsSent");
}

export const handler = async (event: SQSEvent, context?: Context) => {
  startInvocation(context, undefined);
  return instrumented(() =>
    consumeSqsBatch(event, context, recordHandler, {
      queueOf: (record) => channelQueue[channelForQueue(record.eventSourceARN) ?? "none"],
      actor: "notifier",
    }),
  );
};
