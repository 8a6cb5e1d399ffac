import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { OrderPlacedEvent } from "@orders/core/events";
import { authorizeOrderPayment } from "@orders/core/payment";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { documents, dynamodb } from "./lib/clients";
import { count, instrumented, recordLogger, startInvocation } from "./lib/observability";
import { paymentProvider } from "./lib/payments";
import { Resource } from "./lib/resource";
import { consumeSqsBatch } from "./lib/sqs-consumer";

// Seed §6: the payment queue's consumer. Each message is an OrderPlaced.v1
// event; the authorisation runs once per order id (Powertools idempotency
// keyed on the business id, not the message id, so redeliveries, replays and
// DLQ redrives collapse), and the PAYMENT item's conditional put is the
// durable backstop beyond the idempotency window. Failed records go back to
// the queue alone (partial batch response); the poison ones reach the DLQ.

const config = new IdempotencyConfig({
  eventKeyJmesPath: "orderId",
  // Longer than the DLQ's 14-day retention: a redrive is still a duplicate.
  expiresAfterSeconds: 15 * 86_400,
});

type Authorise = (order: {
  orderId: string;
  correlationId: string;
}) => ReturnType<typeof authorizeOrderPayment>;
let authoriseOnce: Authorise | undefined;
function authorise(): Authorise {
  authoriseOnce ??= makeIdempotent(
    (order: { orderId: string; correlationId: string }) =>
      authorizeOrderPayment(
        { doc: documents, ordersTable: Resource.OrdersTable.name, provider: paymentProvider() },
        order,
      ),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: Resource.IdempotencyTable.name,
        awsSdkV3Client: dynamodb,
      }),
      config,
    },
  );
  return authoriseOnce;
}

async function recordHandler(record: SQSRecord) {
  const event = OrderPlacedEvent.parse(JSON.parse(record.body));
  const { orderId, correlationId } = event.detail;
  const log = recordLogger(correlationId, { order_id: orderId, message_id: record.messageId });
  try {
    const result = await authorise()({ orderId, correlationId });
    if (result.outcome === "authorized") count("PaymentsAuthorised");
    if (result.outcome === "declined") count("PaymentsDeclined");
    log.info("payment processed", { ...result });
    return result;
  } catch (error) {
    log.warn("payment failed; the message will be retried", { error: error as Error });
    throw error;
  }
}

export const handler = async (event: SQSEvent, context?: Context) => {
  startInvocation(context, undefined);
  if (context) config.registerLambdaContext(context);
  return instrumented(() =>
    consumeSqsBatch(event, context, recordHandler, {
      queueOf: () => "PaymentQueue",
      actor: "payment-worker",
    }),
  );
};
