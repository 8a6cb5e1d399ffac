// Errors the domain raises. Each carries a stable `code` (what clients and the
// console branch on) and the HTTP status an API maps it to; `name` is what
// Step Functions matches in Retry/Catch, so saga errors keep their ASL names.

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = code;
  }

  toJSON() {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

/** True for the DynamoDB error a failed ConditionExpression raises. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  (error as { name?: string } | null)?.name === "ConditionalCheckFailedException";

/** True for a cancelled TransactWriteItems; `reasons` tells which item failed. */
export const transactionCancellationReasons = (
  error: unknown,
): { Code?: string; Item?: Record<string, unknown> }[] | undefined =>
  (error as { name?: string } | null)?.name === "TransactionCanceledException"
    ? ((error as { CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] })
        .CancellationReasons ?? [])
    : undefined;
