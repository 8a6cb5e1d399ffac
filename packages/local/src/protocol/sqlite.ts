// The one persistence mechanism of the local cloud's durable stores: a
// node:sqlite file in WAL mode with synchronous = NORMAL, which survives a
// killed process (not a power cut: the local promise) without an fsync per
// write blocking the event loop every engine shares; transactions; and
// numbered migrations recorded in `PRAGMA user_version`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface SqliteStore {
  readonly db: DatabaseSync;
  /** Runs `fn` in one IMMEDIATE transaction: all of its writes land, or none do. */
  transaction<T>(fn: () => T): T;
  /** Idempotent. */
  close(): void;
  readonly closed: boolean;
}

/**
 * Opens `<dataDir>/<file>` and brings its schema up to date. `migrations[i]`
 * runs once, when the file's user_version is ≤ i, in a transaction with the
 * version bump; a schema written with `IF NOT EXISTS` may be migration 0 of a
 * file created before versions were recorded.
 */
export function openSqlite(dataDir: string, file: string, migrations: string[]): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, file));
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  let closed = false;
  const transaction = <T>(fn: () => T): T => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      db.exec("COMMIT");
      return out;
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  };
  const version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
    .user_version;
  for (let i = version; i < migrations.length; i++)
    transaction(() => {
      db.exec(migrations[i]!);
      db.exec(`PRAGMA user_version = ${i + 1}`);
    });
  return {
    db,
    transaction,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
    get closed() {
      return closed;
    },
  };
}
