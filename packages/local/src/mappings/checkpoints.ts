import { openSqlite } from "../protocol";

// Where each stream mapping got to, per shard, in <dataDir>/mappings.sqlite:
// a restart resumes after the last record the function acknowledged (or that
// went to the on-failure destination), as Lambda's own checkpoints do.
// WAL with synchronous = NORMAL (the shared store base, src/protocol/sqlite.ts):
// a committed checkpoint survives the process being killed; only an OS crash
// could lose the last few, and then the records are delivered again — the
// at-least-once a stream consumer already handles. FULL would fsync on every
// batch, blocking the event loop every engine shares (~10 ms each here).

export interface Checkpoints {
  get(
    mapping: string,
    shardId: string,
  ): { sequenceNumber: string | null; closed: boolean } | undefined;
  set(mapping: string, shardId: string, sequenceNumber: string | null, closed?: boolean): void;
  close(): void;
}

export function openCheckpoints(dataDir: string): Checkpoints {
  const sqlite = openSqlite(dataDir, "mappings.sqlite", [
    `
    CREATE TABLE IF NOT EXISTS stream_checkpoints (
      mapping TEXT NOT NULL,
      shard_id TEXT NOT NULL,
      sequence_number TEXT,
      closed INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (mapping, shard_id)
    );
  `,
  ]);
  const db = sqlite.db;
  const get = db.prepare(
    "SELECT sequence_number, closed FROM stream_checkpoints WHERE mapping = ? AND shard_id = ?",
  );
  const set = db.prepare(
    "INSERT INTO stream_checkpoints (mapping, shard_id, sequence_number, closed) VALUES (?, ?, ?, ?) ON CONFLICT (mapping, shard_id) DO UPDATE SET sequence_number = excluded.sequence_number, closed = excluded.closed",
  );
  let open = true;
  return {
    get(mapping, shardId) {
      const row = get.get(mapping, shardId) as
        | { sequence_number: string | null; closed: number }
        | undefined;
      return row ? { sequenceNumber: row.sequence_number, closed: row.closed === 1 } : undefined;
    },
    set(mapping, shardId, sequenceNumber, closed = false) {
      if (open) set.run(mapping, shardId, sequenceNumber, closed ? 1 : 0);
    },
    close() {
      if (!open) return;
      open = false;
      sqlite.close();
    },
  };
}
