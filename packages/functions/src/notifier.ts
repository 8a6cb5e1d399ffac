import { OrderEvent, unwrapSns } from "@orders/core/events";
import { channelForQueue, notifyCustomer } from "@orders/core/notification";
import type { WorkQueueName } from "@orders/core/topology";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { documents } from "./lib/clients";
import { notificationProvider } from "./lib/notifications";
import { count, instrumented, recordLogger, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";
import { consumeSqsBatch } from "./lib/sqs-consumer";

// One consumer per channel queue (email, sms) behind the notifications topic
// (seed §5.1). With raw delivery the body is the EventBridge event itself.
// A notification is sent once per (order, status, channel): already recorded
// on the order → skipped; otherwise sent to the provider with that identity as
// its idempotency key, then recorded on the order (a conditional write). A
// crash or a lost answer between the two, or a duplicate delivery racing this
// one, is caught by the provider's key: it delivers once and answers again.
// A provider error fails the record: retried, then dead-lettered.

const channelQueue: Record<string, WorkQueueName | undefined> = {
  email: "EmailQueue",
  sms: "SmsQueue",
};

async function recordHandler(record: SQSRecord) {
  const channel = channelForQueue(record.eventSourceARN);
  if (!channel) throw new Error(`no notification channel for queue ${record.eventSourceARN}`);
  // Raw delivery gives the event; a non-raw subscription wraps it in an SNS envelope.
  const event = OrderEvent.parse(unwrapSns(JSON.parse(record.body)));
  const detail = event.detail;
  const log = recordLogger(detail.correlationId, { order_id: detail.orderId, channel });
  const db = { doc: documents, ordersTable: Resource.OrdersTable.name };
  const result = await notifyCustomer(
    { db, sender: notificationProvider() },
    {
      eventId: detail.eventId,
      orderId: detail.orderId,
      correlationId: detail.correlationId,
      customerId: detail.customerId,
      channel,
      status: detail.status,
      reason: "reason" in detail ? detail.reason : undefined,
      totalCents: detail.totalCents,
      currency: detail.currency,
    },
  );
  if (result.outcome === "already-recorded") {
    log.info("notification already sent; skipping", { eventId: detail.eventId });
    return;
  }
  log.info("notification sent", { deliveryId: result.delivery.id, status: detail.status });
  if (result.recorded) count("NotificationsSent");
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
