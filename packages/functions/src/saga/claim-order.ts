import { claimOrder } from "@orders/core/saga";
import { documents } from "../lib/clients";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// Binds the order to this execution; a duplicated saga gets { claimed: false }.
export const handler = sagaStep("claim-order", (input) =>
  claimOrder({ doc: documents, ordersTable: Resource.OrdersTable.name }, input),
);
