import type { Context } from "aws-lambda";

// An SQS consumer has to answer before its timeout. A batch that outlives it
// is redelivered whole, the records that succeeded included, and the repeated
// work adds to whatever made the batch slow (a slow provider, an overloaded
// host). So each record gets until shortly before the deadline; one still
// running then is reported as a batch item failure (back to the queue after
// its visibility timeout, its effects guarded by idempotency and conditional
// writes) and the function answers for the rest of the batch in time.

/** Kept back at the end of an invocation to return the batch response. */
export const ANSWER_MARGIN_MS = 1_000;

export class RecordUnfinished extends Error {
  override name = "RecordUnfinished";
}

/**
 * `handle`, bounded by the invocation's deadline less `marginMs`. Without a
 * Lambda context (a direct call) it is `handle` itself.
 */
export function beforeDeadline<R, T>(
  context: Pick<Context, "getRemainingTimeInMillis"> | undefined,
  handle: (record: R) => Promise<T>,
  marginMs = ANSWER_MARGIN_MS,
): (record: R) => Promise<T> {
  if (!context) return handle;
  const deadline = Date.now() + context.getRemainingTimeInMillis() - marginMs;
  return (record) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RecordUnfinished(
              `record not finished ${marginMs} ms before the function's timeout; returned to the queue`,
            ),
          ),
        Math.max(0, deadline - Date.now()),
      );
    });
    return Promise.race([handle(record), late]).finally(() => clearTimeout(timer));
  };
}
