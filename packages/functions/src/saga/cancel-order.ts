import { cancelOrder } from "@orders/core/saga";
import { documents } from "../lib/clients";
import { count } from "../lib/observability";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// The end of compensation: CANCELLED with the reason (never over FULFILLED).
export const handler = sagaStep("cancel-order", async (input) => {
  const result = await cancelOrder(
    { doc: documents, ordersTable: Resource.OrdersTable.name },
    input,
  );
  if (result.changed) count("OrdersCancelled");
  return { status: result.status };
});
