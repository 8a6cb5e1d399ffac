import { openSqlite } from "../protocol";

// Lambda's internal queue of asynchronous invocations (`InvocationType: Event`),
// which on AWS is durable: once Invoke answered 202 the event is run, retried
// and finally handed to the on-failure destination even if a host dies. Here it
// is <dataDir>/lambda-async.sqlite (the shared store base, src/protocol/sqlite.ts):
// an entry is written before the 202 and deleted only once the invocation
// succeeded or its failure record was delivered, so a restart after `kill -9`
// resumes every pending one. An attempt that was running when the process died
// runs again (at-least-once, as on AWS). Without a data dir (unit tests) the
// queue lives in memory.

export interface AsyncInvocation {
  requestId: string;
  functionName: string;
  event: unknown;
  acceptedAt: number;
  /** Attempts that ran to a failure (an attempt cut short by a kill is not one). */
  failedAttempts: number;
  /** Not before this time (epoch ms): the retry's delay, kept across a restart. */
  nextAttemptAt: number;
  /** The last failed attempt's error payload, for the destination record. */
  lastError?: { functionError: string; payload: unknown };
}

export interface AsyncQueue {
  add(invocation: AsyncInvocation): void;
  /** Records a failed attempt and when the next one may start. */
  failed(
    requestId: string,
    failedAttempts: number,
    nextAttemptAt: number,
    lastError: AsyncInvocation["lastError"],
  ): void;
  remove(requestId: string): void;
  /** Every pending invocation, oldest first. */
  pending(): AsyncInvocation[];
  close(): void;
}

export function openAsyncQueue(dataDir: string | undefined): AsyncQueue {
  if (!dataDir) return memoryQueue();
  const sqlite = openSqlite(dataDir, "lambda-async.sqlite", [
    `
    CREATE TABLE async_invocations (
      request_id TEXT PRIMARY KEY,
      function_name TEXT NOT NULL,
      event TEXT NOT NULL,
      accepted_at INTEGER NOT NULL,
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT
    );
  `,
  ]);
  const db = sqlite.db;
  const insert = db.prepare(
    "INSERT INTO async_invocations (request_id, function_name, event, accepted_at, failed_attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const update = db.prepare(
    "UPDATE async_invocations SET failed_attempts = ?, next_attempt_at = ?, last_error = ? WHERE request_id = ?",
  );
  const remove = db.prepare("DELETE FROM async_invocations WHERE request_id = ?");
  const all = db.prepare("SELECT * FROM async_invocations ORDER BY accepted_at, rowid");
  return {
    add(i) {
      insert.run(
        i.requestId,
        i.functionName,
        JSON.stringify(i.event ?? null),
        i.acceptedAt,
        i.failedAttempts,
        i.nextAttemptAt,
      );
    },
    failed(requestId, failedAttempts, nextAttemptAt, lastError) {
      if (!sqlite.closed)
        update.run(failedAttempts, nextAttemptAt, JSON.stringify(lastError ?? null), requestId);
    },
    remove(requestId) {
      if (!sqlite.closed) remove.run(requestId);
    },
    pending() {
      return (
        all.all() as Array<{
          request_id: string;
          function_name: string;
          event: string;
          accepted_at: number;
          failed_attempts: number;
          next_attempt_at: number;
          last_error: string | null;
        }>
      ).map((r) => {
        const lastError = r.last_error ? JSON.parse(r.last_error) : null;
        return {
          requestId: r.request_id,
          functionName: r.function_name,
          event: JSON.parse(r.event),
          acceptedAt: r.accepted_at,
          failedAttempts: r.failed_attempts,
          nextAttemptAt: r.next_attempt_at,
          ...(lastError ? { lastError } : {}),
        };
      });
    },
    close: () => sqlite.close(),
  };
}

function memoryQueue(): AsyncQueue {
  const entries = new Map<string, AsyncInvocation>();
  return {
    add: (i) => void entries.set(i.requestId, i),
    failed(requestId, failedAttempts, nextAttemptAt, lastError) {
      const entry = entries.get(requestId);
      if (entry) Object.assign(entry, { failedAttempts, nextAttemptAt, lastError });
    },
    remove: (requestId) => void entries.delete(requestId),
    pending: () => [...entries.values()],
    close: () => entries.clear(),
  };
}
