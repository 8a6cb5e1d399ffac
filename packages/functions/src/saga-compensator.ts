import { compensateEndedExecution, ExecutionStatusChange, retryable } from "@orders/core/saga";
import type { Context } from "aws-lambda";
import { documents } from "./lib/clients";
import { count, instrumented, logger, startInvocation } from "./lib/observability";
import { paymentProvider } from "./lib/payments";
import { Resource } from "./lib/resource";

// The saga's deadline and its unhandled ends run no Catch: Step Functions
// emits "Step Functions Execution Status Change" to the default bus, and the
// SagaEndedToCompensator rule (TIMED_OUT / FAILED / ABORTED of this state
// machine) invokes this asynchronously. It voids, releases and cancels with
// the saga's own idempotent steps. A throw is retried by Lambda (twice), then
// the event goes to SagaCompensationDlq (the function's on-failure destination).
export const handler = async (event: unknown, context?: Context) => {
  const change = ExecutionStatusChange.parse(event);
  startInvocation(context, correlationIdOf(change.detail.input));
  logger.appendKeys({
    execution_arn: change.detail.executionArn,
    execution_status: change.detail.status,
  });
  return instrumented(async () => {
    const result = await retryable(() =>
      compensateEndedExecution(
        {
          payments: {
            doc: documents,
            ordersTable: Resource.OrdersTable.name,
            provider: paymentProvider(),
          },
          inventory: {
            doc: documents,
            ordersTable: Resource.OrdersTable.name,
            inventoryTable: Resource.InventoryTable.name,
          },
        },
        change,
      ),
    );
    if (result.outcome === "compensated" && result.cancelled) count("OrdersCancelled");
    logger.info("saga end compensated", { ...result });
    return result;
  });
};

/** The saga's input is the OrderPlaced detail: its correlation id tags the logs. */
function correlationIdOf(input: string | null | undefined): string | undefined {
  try {
    const id = (JSON.parse(input ?? "") as { correlationId?: unknown }).correlationId;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
