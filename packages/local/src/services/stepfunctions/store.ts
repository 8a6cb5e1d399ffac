// Durable state in node:sqlite. Every externally visible effect (an API answer, a task
// call) is preceded by the transaction that records it, so a killed process resumes.
import type { DatabaseSync } from "node:sqlite";
import { openSqlite, type SqliteStore } from "../../protocol";
import { type StatusChangeEvent, statusChangeEvent } from "./status-events";
import type { ExecutionRecord, HistoryEvent, StateMachineRecord } from "./types";

export type TokenStatus = "PENDING" | "SUCCEEDED" | "FAILED" | "CLOSED";

export interface TokenRecord {
  token: string;
  executionArn: string;
  frameId: string;
  status: TokenStatus;
  /** JSON output (SUCCEEDED) or `{Error, Cause}` (FAILED) sent by the API. */
  outcome: string | null;
  heartbeatAt: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state_machines (
  arn TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL,
  role_arn TEXT NOT NULL, type TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS executions (
  arn TEXT PRIMARY KEY, sm_arn TEXT NOT NULL, name TEXT NOT NULL, input TEXT NOT NULL,
  status TEXT NOT NULL, start REAL NOT NULL, stop REAL, output TEXT, error TEXT, cause TEXT,
  definition TEXT NOT NULL, role_arn TEXT NOT NULL, last_event_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (sm_arn, start DESC);
CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status);
CREATE TABLE IF NOT EXISTS events (
  execution_arn TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (execution_arn, id));
CREATE TABLE IF NOT EXISTS frames (
  execution_arn TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (execution_arn, id));
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, frame_id TEXT NOT NULL,
  status TEXT NOT NULL, outcome TEXT, heartbeat_at REAL);
CREATE TABLE IF NOT EXISTS status_events (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
`;
// DescribeStateMachineForExecution answers the update date of the version an execution runs.
const EXECUTION_MACHINE_UPDATED = "ALTER TABLE executions ADD COLUMN machine_updated REAL;";

type Row = Record<string, unknown>;

const toMachine = (r: Row): StateMachineRecord => ({
  arn: r.arn as string,
  name: r.name as string,
  definition: r.definition as string,
  roleArn: r.role_arn as string,
  type: r.type as string,
  created: r.created as number,
  updated: r.updated as number,
});

const toExecution = (r: Row): ExecutionRecord => ({
  arn: r.arn as string,
  stateMachineArn: r.sm_arn as string,
  name: r.name as string,
  input: r.input as string,
  status: r.status as ExecutionRecord["status"],
  start: r.start as number,
  stop: (r.stop as number | null) ?? null,
  output: (r.output as string | null) ?? null,
  error: (r.error as string | null) ?? null,
  cause: (r.cause as string | null) ?? null,
  definition: r.definition as string,
  roleArn: r.role_arn as string,
  machineUpdated: (r.machine_updated as number | null) ?? null,
  lastEventId: r.last_event_id as number,
});

export class Store {
  private readonly sqlite: SqliteStore;
  private readonly db: DatabaseSync;

  /**
   * `statusEvents`: keep an outbox of "Execution Status Change" events, written with
   * each status change (only when someone delivers them, or it would only grow).
   */
  constructor(
    dataDir: string,
    private readonly options: { statusEvents?: boolean } = {},
  ) {
    // The shared store base: WAL + NORMAL, transactions, versioned migrations.
    this.sqlite = openSqlite(dataDir, "stepfunctions.sqlite", [SCHEMA, EXECUTION_MACHINE_UPDATED]);
    this.db = this.sqlite.db;
  }

  close() {
    this.sqlite.close();
  }

  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn);
  }

  // State machines

  machineByName(name: string) {
    const r = this.db.prepare("SELECT * FROM state_machines WHERE name = ?").get(name);
    return r ? toMachine(r as Row) : undefined;
  }

  machine(arn: string) {
    const r = this.db.prepare("SELECT * FROM state_machines WHERE arn = ?").get(arn);
    return r ? toMachine(r as Row) : undefined;
  }

  machines() {
    return this.db
      .prepare("SELECT * FROM state_machines ORDER BY created, name")
      .all()
      .map((r) => toMachine(r as Row));
  }

  putMachine(m: StateMachineRecord) {
    this.db
      .prepare(
        "INSERT OR REPLACE INTO state_machines (arn, name, definition, role_arn, type, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(m.arn, m.name, m.definition, m.roleArn, m.type, m.created, m.updated);
  }

  deleteMachine(arn: string) {
    this.db.prepare("DELETE FROM state_machines WHERE arn = ?").run(arn);
  }

  // Executions

  execution(arn: string) {
    const r = this.db.prepare("SELECT * FROM executions WHERE arn = ?").get(arn);
    return r ? toExecution(r as Row) : undefined;
  }

  runningExecutions() {
    return this.db
      .prepare("SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY start")
      .all()
      .map((r) => toExecution(r as Row));
  }

  executions(machineArn: string, status: string | undefined, offset: number, limit: number) {
    const rows = status
      ? this.db
          .prepare(
            "SELECT * FROM executions WHERE sm_arn = ? AND status = ? ORDER BY start DESC, rowid DESC LIMIT ? OFFSET ?",
          )
          .all(machineArn, status, limit, offset)
      : this.db
          .prepare(
            "SELECT * FROM executions WHERE sm_arn = ? ORDER BY start DESC, rowid DESC LIMIT ? OFFSET ?",
          )
          .all(machineArn, limit, offset);
    return rows.map((r) => toExecution(r as Row));
  }

  insertExecution(e: ExecutionRecord) {
    this.db
      .prepare(
        `INSERT INTO executions (arn, sm_arn, name, input, status, start, stop, output, error, cause, definition, role_arn, machine_updated, last_event_id)
         VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?, 0)`,
      )
      .run(
        e.arn,
        e.stateMachineArn,
        e.name,
        e.input,
        e.status,
        e.start,
        e.definition,
        e.roleArn,
        e.machineUpdated,
      );
    this.recordStatusChange(e.arn);
  }

  finishExecution(
    arn: string,
    fields: {
      status: string;
      stop: number;
      output?: string | null;
      error?: string | null;
      cause?: string | null;
    },
  ) {
    this.db
      .prepare(
        "UPDATE executions SET status = ?, stop = ?, output = ?, error = ?, cause = ? WHERE arn = ?",
      )
      .run(
        fields.status,
        fields.stop,
        fields.output ?? null,
        fields.error ?? null,
        fields.cause ?? null,
        arn,
      );
    this.db
      .prepare("UPDATE tokens SET status = 'CLOSED' WHERE execution_arn = ? AND status = 'PENDING'")
      .run(arn);
    this.recordStatusChange(arn);
  }

  // Outbox of status-change events (status-events.ts)

  private recordStatusChange(arn: string) {
    if (!this.options.statusEvents) return;
    const e = this.execution(arn);
    if (!e) return;
    this.db
      .prepare("INSERT INTO status_events (body) VALUES (?)")
      .run(JSON.stringify(statusChangeEvent(e)));
  }

  pendingStatusEvents(limit: number): Array<{ id: number; event: StatusChangeEvent }> {
    return this.db
      .prepare("SELECT id, body FROM status_events ORDER BY id LIMIT ?")
      .all(limit)
      .map((r) => {
        const row = r as { id: number; body: string };
        return { id: row.id, event: JSON.parse(row.body) as StatusChangeEvent };
      });
  }

  deleteStatusEvent(id: number) {
    this.db.prepare("DELETE FROM status_events WHERE id = ?").run(id);
  }

  // History

  /** Appends an event, numbering it after the execution's last one. */
  appendEvent(executionArn: string, event: Omit<HistoryEvent, "id">): number {
    const row = this.db
      .prepare(
        "UPDATE executions SET last_event_id = last_event_id + 1 WHERE arn = ? RETURNING last_event_id",
      )
      .get(executionArn) as { last_event_id: number };
    const id = row.last_event_id;
    this.db
      .prepare("INSERT INTO events (execution_arn, id, body) VALUES (?, ?, ?)")
      .run(executionArn, id, JSON.stringify({ ...event, id }));
    return id;
  }

  events(executionArn: string, reverse: boolean, offset: number, limit: number): HistoryEvent[] {
    return this.db
      .prepare(
        `SELECT body FROM events WHERE execution_arn = ? ORDER BY id ${reverse ? "DESC" : "ASC"} LIMIT ? OFFSET ?`,
      )
      .all(executionArn, limit, offset)
      .map((r) => JSON.parse((r as { body: string }).body));
  }

  // Frames: one per thread of control (root, Map iteration, Parallel branch)

  frames(executionArn: string): unknown[] {
    return this.db
      .prepare("SELECT body FROM frames WHERE execution_arn = ?")
      .all(executionArn)
      .map((r) => JSON.parse((r as { body: string }).body));
  }

  frame(executionArn: string, id: string): unknown {
    const r = this.db
      .prepare("SELECT body FROM frames WHERE execution_arn = ? AND id = ?")
      .get(executionArn, id);
    return r ? JSON.parse((r as { body: string }).body) : undefined;
  }

  putFrame(executionArn: string, id: string, body: unknown) {
    this.db
      .prepare("INSERT OR REPLACE INTO frames (execution_arn, id, body) VALUES (?, ?, ?)")
      .run(executionArn, id, JSON.stringify(body));
  }

  deleteFramesUnder(executionArn: string, prefix: string) {
    this.db
      .prepare("DELETE FROM frames WHERE execution_arn = ? AND substr(id, 1, ?) = ?")
      .run(executionArn, prefix.length, prefix);
  }

  // Task tokens

  token(token: string): TokenRecord | undefined {
    const r = this.db.prepare("SELECT * FROM tokens WHERE token = ?").get(token) as Row | undefined;
    if (!r) return undefined;
    return {
      token: r.token as string,
      executionArn: r.execution_arn as string,
      frameId: r.frame_id as string,
      status: r.status as TokenStatus,
      outcome: (r.outcome as string | null) ?? null,
      heartbeatAt: (r.heartbeat_at as number | null) ?? null,
    };
  }

  insertToken(token: string, executionArn: string, frameId: string) {
    this.db
      .prepare(
        "INSERT OR IGNORE INTO tokens (token, execution_arn, frame_id, status) VALUES (?, ?, ?, 'PENDING')",
      )
      .run(token, executionArn, frameId);
  }

  settleToken(token: string, status: TokenStatus, outcome: string | null) {
    this.db
      .prepare("UPDATE tokens SET status = ?, outcome = ? WHERE token = ?")
      .run(status, outcome, token);
  }

  heartbeat(token: string, at: number) {
    this.db.prepare("UPDATE tokens SET heartbeat_at = ? WHERE token = ?").run(at, token);
  }
}
