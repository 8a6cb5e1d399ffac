import { completeOrder } from "@orders/core/saga";
import { documents } from "../lib/clients";
import { count } from "../lib/observability";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// FULFILLED (status-guarded) and the reservation shipped, in one write.
export const handler = sagaStep("complete-order", async (input) => {
  const result = await completeOrder(
    { doc: documents, ordersTable: Resource.OrdersTable.name },
    input,
  );
  if (result.changed) count("OrdersFulfilled");
  return { status: result.status };
});
