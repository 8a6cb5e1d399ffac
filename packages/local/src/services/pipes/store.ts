// Durable state in node:sqlite (the protocol layer's store base): the pipes, and
// how far each pipe got in each shard of its stream. A checkpoint is written
// after the batch's target call succeeded (or its records went to the DLQ), so
// a restart resumes after the last record handled: at-least-once, as on AWS.
import { openSqlite, type SqliteStore } from "../../protocol";
import type { PipeRecord } from "./types";

const SCHEMA = `
CREATE TABLE pipes (name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE checkpoints (
  pipe TEXT NOT NULL, shard_id TEXT NOT NULL, sequence_number TEXT,
  closed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pipe, shard_id));
`;

export interface Checkpoint {
  sequenceNumber: string | null;
  closed: boolean;
}

export class Store {
  private readonly sqlite: SqliteStore;

  constructor(dataDir: string) {
    this.sqlite = openSqlite(dataDir, "pipes.sqlite", [SCHEMA]);
  }

  get closed() {
    return this.sqlite.closed;
  }

  close() {
    this.sqlite.close();
  }

  get(name: string): PipeRecord | undefined {
    const row = this.sqlite.db.prepare("SELECT body FROM pipes WHERE name = ?").get(name) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as PipeRecord) : undefined;
  }

  list(): PipeRecord[] {
    return (
      this.sqlite.db.prepare("SELECT body FROM pipes ORDER BY name").all() as Array<{
        body: string;
      }>
    ).map((r) => JSON.parse(r.body) as PipeRecord);
  }

  put(pipe: PipeRecord) {
    this.sqlite.db
      .prepare(
        "INSERT INTO pipes (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
      )
      .run(pipe.Name, JSON.stringify(pipe));
  }

  /** The pipe and its checkpoints go together: a new pipe of the same name starts afresh. */
  delete(name: string) {
    this.sqlite.transaction(() => {
      this.sqlite.db.prepare("DELETE FROM pipes WHERE name = ?").run(name);
      this.sqlite.db.prepare("DELETE FROM checkpoints WHERE pipe = ?").run(name);
    });
  }

  checkpoint(pipe: string, shardId: string): Checkpoint | undefined {
    if (this.closed) return undefined;
    const row = this.sqlite.db
      .prepare("SELECT sequence_number, closed FROM checkpoints WHERE pipe = ? AND shard_id = ?")
      .get(pipe, shardId) as { sequence_number: string | null; closed: number } | undefined;
    return row ? { sequenceNumber: row.sequence_number, closed: row.closed === 1 } : undefined;
  }

  setCheckpoint(pipe: string, shardId: string, sequenceNumber: string | null, closed = false) {
    if (this.closed) return;
    this.sqlite.db
      .prepare(
        "INSERT INTO checkpoints (pipe, shard_id, sequence_number, closed) VALUES (?, ?, ?, ?) ON CONFLICT (pipe, shard_id) DO UPDATE SET sequence_number = excluded.sequence_number, closed = excluded.closed",
      )
      .run(pipe, shardId, sequenceNumber, closed ? 1 : 0);
  }
}
