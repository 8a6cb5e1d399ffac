import { voidPayment } from "@orders/core/payment";
import { documents } from "../lib/clients";
import { paymentProvider } from "../lib/payments";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// Compensation: void, refund, or leave a tombstone for a late authorisation.
export const handler = sagaStep("void-payment", (input) =>
  voidPayment(
    { doc: documents, ordersTable: Resource.OrdersTable.name, provider: paymentProvider() },
    input,
  ),
);
