import { randomUUID } from "node:crypto";
import { loadPrices } from "@orders/core/inventory";
import { CorrelationId, placeOrder } from "@orders/core/order";
import type { Context } from "aws-lambda";
import { documents } from "./lib/clients";
import { caller, errorResult, type HttpEvent, type HttpResult, header, json } from "./lib/http";
import { count, instrumented, logger, startInvocation, tracer } from "./lib/observability";
import { Resource } from "./lib/resource";

// POST /api/orders (seed §3): validate, price from the inventory, one
// conditional put, 202 with the status URL. Publishes nothing: the table's
// stream is the outbox (stream-publisher.ts).

export const handler = async (event: HttpEvent, context?: Context): Promise<HttpResult> => {
  const sent = header(event, "x-correlation-id");
  const correlationId =
    sent && CorrelationId.safeParse(sent).success
      ? sent
      : (event.requestContext?.requestId ?? randomUUID());
  startInvocation(context, correlationId);
  tracer.putAnnotation("correlationId", correlationId);
  return instrumented(async () => {
    try {
      const accepted = await placeOrder(
        {
          db: { doc: documents, ordersTable: Resource.OrdersTable.name },
          loadPrices: (skus) =>
            loadPrices({ doc: documents, inventoryTable: Resource.InventoryTable.name }, skus),
          policy: Resource.OrderPolicy,
          newCorrelationId: () => correlationId,
        },
        {
          customerId: caller(event).sub ?? "",
          idempotencyKey: header(event, "idempotency-key"),
          requestId: event.requestContext?.requestId ?? randomUUID(),
          correlationId: sent,
          // Lambda sets it per invocation; the outbox publishes the order's events with it.
          traceHeader: process.env._X_AMZN_TRACE_ID,
          body: event.body,
          isBase64Encoded: event.isBase64Encoded,
        },
      );
      logger.appendKeys({ correlation_id: accepted.correlationId, order_id: accepted.orderId });
      if (accepted.duplicate) {
        logger.info("duplicate submission: returning the original acceptance");
      } else {
        logger.info("order accepted");
        count("OrdersAccepted");
      }
      return json(
        202,
        { orderId: accepted.orderId, status: accepted.status, statusUrl: accepted.statusUrl },
        { "x-correlation-id": accepted.correlationId, location: accepted.statusUrl },
      );
    } catch (error) {
      logger.info("order refused", { error: (error as Error).message });
      return errorResult(error, { "x-correlation-id": correlationId });
    }
  });
};
