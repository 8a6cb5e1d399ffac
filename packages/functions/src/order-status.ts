import { getOrderDetails, OrderId, toOrderView } from "@orders/core/order";
import { auth } from "@orders/core/topology";
import type { Context } from "aws-lambda";
import { documents } from "./lib/clients";
import { caller, errorResult, type HttpEvent, type HttpResult, header, json } from "./lib/http";
import { instrumented, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";

// GET /api/orders/{orderId}: status and timeline. A customer sees only their
// own orders; anyone else's is a 404, exactly like a missing one, so order ids
// cannot be probed. Operators (the ops group) may read any order.

const notFound = () => json(404, { code: "ORDER_NOT_FOUND", message: "No such order" });

export const handler = async (event: HttpEvent, context?: Context): Promise<HttpResult> => {
  startInvocation(context, header(event, "x-correlation-id") ?? event.requestContext?.requestId);
  return instrumented(async () => {
    try {
      const who = caller(event);
      if (!who.sub) return json(401, { code: "UNAUTHORIZED", message: "No authenticated caller" });
      const orderId = event.pathParameters?.orderId ?? "";
      if (!OrderId.safeParse(orderId).success) return notFound();
      const details = await getOrderDetails(
        { doc: documents, ordersTable: Resource.OrdersTable.name },
        orderId,
      );
      const isOperator = who.groups.includes(auth.operatorGroup);
      if (!details || (details.order.customerId !== who.sub && !isOperator)) return notFound();
      return json(200, toOrderView(details), { "x-correlation-id": details.order.correlationId });
    } catch (error) {
      return errorResult(error);
    }
  });
};
