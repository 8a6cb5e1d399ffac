import { openSqlite } from "../../protocol";

// Every line a handler writes, per invocation, in SQLite under <dataDir>/logs.sqlite:
// the local counterpart of CloudWatch Logs Insights for "follow one order across
// every hop" (correlation_id is what Powertools' logger appends to every line).

export interface LogLine {
  id: number;
  /** Epoch ms. */
  time: number;
  functionName: string;
  requestId: string;
  correlationId: string | null;
  level: string | null;
  stream: "stdout" | "stderr" | "platform";
  message: string;
}

export interface LogStore {
  append(
    line: Omit<LogLine, "id" | "correlationId" | "level"> & { correlationId?: string | null },
  ): void;
  logsByCorrelationId(correlationId: string, limit?: number): LogLine[];
  logsByRequestId(requestId: string): LogLine[];
  recent(options?: { functionName?: string; limit?: number }): LogLine[];
  /**
   * Lines of these functions from `from` to `to` (epoch ms, inclusive), oldest
   * first; only those of one correlation id when given (its index narrows the scan).
   */
  scan(options: {
    functionNames: string[];
    from: number;
    to: number;
    correlationId?: string;
  }): LogLine[];
  close(): void;
}

/** Powertools JSON fields, when the line is one of its structured entries. */
function parseStructured(message: string): { correlationId: string | null; level: string | null } {
  const text = message.trim();
  if (!text.startsWith("{")) return { correlationId: null, level: null };
  try {
    const entry = JSON.parse(text) as Record<string, unknown>;
    const correlation = entry.correlation_id ?? entry.correlationId;
    return {
      correlationId: typeof correlation === "string" && correlation !== "none" ? correlation : null,
      level: typeof entry.level === "string" ? entry.level : null,
    };
  } catch {
    return { correlationId: null, level: null };
  }
}

type Row = {
  id: number;
  time: number;
  function_name: string;
  request_id: string;
  correlation_id: string | null;
  level: string | null;
  stream: LogLine["stream"];
  message: string;
};

const toLine = (r: Row): LogLine => ({
  id: r.id,
  time: r.time,
  functionName: r.function_name,
  requestId: r.request_id,
  correlationId: r.correlation_id,
  level: r.level,
  stream: r.stream,
  message: r.message,
});

export function openLogStore(dataDir: string): LogStore {
  // The shared store base: WAL + NORMAL, transactions, versioned migrations.
  const sqlite = openSqlite(dataDir, "logs.sqlite", [
    `
    CREATE TABLE IF NOT EXISTS logs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time INTEGER NOT NULL,
      function_name TEXT NOT NULL,
      request_id TEXT NOT NULL,
      correlation_id TEXT,
      level TEXT,
      stream TEXT NOT NULL,
      message TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS logs_by_correlation ON logs (correlation_id, id);
    CREATE INDEX IF NOT EXISTS logs_by_request ON logs (request_id, id);
    CREATE INDEX IF NOT EXISTS logs_by_function ON logs (function_name, id);
    CREATE INDEX IF NOT EXISTS logs_by_time ON logs (time);
  `,
  ]);
  const db = sqlite.db;
  const insert = db.prepare(
    "INSERT INTO logs (time, function_name, request_id, correlation_id, level, stream, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const byCorrelation = db.prepare(
    "SELECT * FROM logs WHERE correlation_id = ? ORDER BY id LIMIT ?",
  );
  const byRequest = db.prepare("SELECT * FROM logs WHERE request_id = ? ORDER BY id");
  const recentAll = db.prepare("SELECT * FROM logs ORDER BY id DESC LIMIT ?");
  const recentFn = db.prepare(
    "SELECT * FROM logs WHERE function_name = ? ORDER BY id DESC LIMIT ?",
  );
  // Function names as a JSON array: one prepared statement for any number of them.
  const scanWindow = db.prepare(
    "SELECT * FROM logs WHERE time BETWEEN ? AND ? AND function_name IN (SELECT value FROM json_each(?)) ORDER BY id",
  );
  const scanCorrelation = db.prepare(
    "SELECT * FROM logs WHERE correlation_id = ? AND time BETWEEN ? AND ? AND function_name IN (SELECT value FROM json_each(?)) ORDER BY id",
  );
  let open = true;
  // Lines arriving in one turn of the event loop are written in one
  // transaction: a busy pipeline logs hundreds of lines a second, and one
  // commit each was a WAL write each. Every read writes what is pending first.
  let pending: Parameters<LogStore["append"]>[0][] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (!open || pending.length === 0) return;
    const lines = pending;
    pending = [];
    sqlite.transaction(() => {
      for (const line of lines) {
        const parsed = parseStructured(line.message);
        insert.run(
          line.time,
          line.functionName,
          line.requestId,
          line.correlationId ?? parsed.correlationId,
          parsed.level,
          line.stream,
          line.message,
        );
      }
    });
  };
  const read = <T>(query: () => T): T => {
    flush();
    return query();
  };
  return {
    append(line) {
      if (!open) return;
      pending.push(line);
      scheduled ??= setImmediate(flush);
    },
    logsByCorrelationId: (id, limit = 1000) =>
      read(() => (byCorrelation.all(id, limit) as Row[]).map(toLine)),
    logsByRequestId: (id) => read(() => (byRequest.all(id) as Row[]).map(toLine)),
    recent: ({ functionName, limit = 100 } = {}) =>
      read(() =>
        ((functionName ? recentFn.all(functionName, limit) : recentAll.all(limit)) as Row[])
          .map(toLine)
          .reverse(),
      ),
    scan: ({ functionNames, from, to, correlationId }) =>
      read(() =>
        (
          (correlationId === undefined
            ? scanWindow.all(from, to, JSON.stringify(functionNames))
            : scanCorrelation.all(correlationId, from, to, JSON.stringify(functionNames))) as Row[]
        ).map(toLine),
      ),
    close() {
      if (!open) return;
      flush();
      open = false;
      sqlite.close();
    },
  };
}
