import { capturePayment } from "@orders/core/payment";
import { documents } from "../lib/clients";
import { paymentProvider } from "../lib/payments";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// PaymentPending until the worker has authorised; PaymentDeclined compensates.
export const handler = sagaStep("capture-payment", (input) =>
  capturePayment(
    { doc: documents, ordersTable: Resource.OrdersTable.name, provider: paymentProvider() },
    input,
  ),
);
