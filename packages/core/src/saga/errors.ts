// Errors the saga's Lambda steps throw. Their `name` is the error name Step
// Functions matches in the ASL's Retry and Catch (fulfillment-saga.asl.json):
//   PaymentPending  → retried (bounded) while the payment worker authorises
//   TransientError  → retried with backoff and jitter
//   anything else   → a business failure: Catch runs the compensations

abstract class SagaError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** No authorisation yet: the payment worker has not processed the order. */
export class PaymentPending extends SagaError {
  override name = "PaymentPending" as const;
}

/** A dependency failed in a way worth retrying (throttling, conflicts, provider outage). */
export class TransientError extends SagaError {
  override name = "TransientError" as const;
}

/** The card was declined: compensate and cancel. */
export class PaymentDeclined extends SagaError {
  override name = "PaymentDeclined" as const;
}

/** The payment can no longer be captured (voided by a compensation, or refused). */
export class PaymentNotCapturable extends SagaError {
  override name = "PaymentNotCapturable" as const;
}

/** A line cannot be reserved: not enough stock. */
export class OutOfStock extends SagaError {
  override name = "OutOfStock" as const;
}

/** The order is not in a state this step can act on. */
export class InvalidOrderState extends SagaError {
  override name = "InvalidOrderState" as const;
}

export class OrderNotFound extends SagaError {
  override name = "OrderNotFound" as const;
}

/** DynamoDB errors that are worth a retry rather than a compensation. */
export function isTransientAwsError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return (
    [
      "ProvisionedThroughputExceededException",
      "ThrottlingException",
      "RequestLimitExceeded",
      "TransactionConflictException",
      "InternalServerError",
      "ServiceUnavailable",
      "TimeoutError",
    ].includes(name) ||
    (status !== undefined && status >= 500) ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"].includes(
      (error as { code?: string } | null)?.code ?? "",
    )
  );
}

/** Re-throw AWS hiccups as TransientError so the ASL retries them. */
export async function retryable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTransientAwsError(error)) {
      throw new TransientError(`transient: ${(error as Error).name}: ${(error as Error).message}`);
    }
    throw error;
  }
}
