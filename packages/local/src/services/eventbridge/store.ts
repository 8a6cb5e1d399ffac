// Durable state in node:sqlite: buses, rules, targets, pending deliveries, archives and
// replays. PutEvents commits its deliveries and archive rows before it answers, so an accepted
// event survives kill -9 and is delivered after restart.
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { openSqlite, type SqliteStore } from "../../protocol";
import type {
  ArchiveRecord,
  BusRecord,
  DeliveryRecord,
  ReplayRecord,
  RuleRecord,
  Target,
} from "./types";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS buses (
  name TEXT PRIMARY KEY, arn TEXT NOT NULL, description TEXT, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS rules (
  bus TEXT NOT NULL, name TEXT NOT NULL, arn TEXT NOT NULL, event_pattern TEXT,
  schedule TEXT, state TEXT NOT NULL, description TEXT, role_arn TEXT, created_by TEXT NOT NULL,
  PRIMARY KEY (bus, name));
CREATE TABLE IF NOT EXISTS targets (
  bus TEXT NOT NULL, rule TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (bus, rule, id));
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, rule_arn TEXT NOT NULL, target TEXT NOT NULL,
  event TEXT NOT NULL, payload TEXT NOT NULL, stage TEXT NOT NULL, attempts INTEGER NOT NULL,
  created_at REAL NOT NULL, next_at REAL NOT NULL, error_code TEXT, error_message TEXT,
  exhausted TEXT, retry_attempts INTEGER);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_at);
CREATE TABLE IF NOT EXISTS archives (
  name TEXT PRIMARY KEY, arn TEXT NOT NULL, source_arn TEXT NOT NULL, description TEXT,
  event_pattern TEXT, retention_days INTEGER NOT NULL, state TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS archived_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, archive TEXT NOT NULL, time REAL NOT NULL,
  archived_at REAL NOT NULL, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS archived_by_time ON archived_events (archive, time, seq);
CREATE TABLE IF NOT EXISTS replays (
  name TEXT PRIMARY KEY, arn TEXT NOT NULL, archive_arn TEXT NOT NULL, description TEXT,
  destination TEXT NOT NULL, event_start REAL NOT NULL, event_end REAL NOT NULL,
  state TEXT NOT NULL, state_reason TEXT, replay_start REAL NOT NULL, replay_end REAL,
  last_replayed REAL, cursor INTEGER NOT NULL);
`;

type Row = Record<string, unknown>;

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

const toRule = (r: Row): RuleRecord => ({
  bus: r.bus as string,
  name: r.name as string,
  arn: r.arn as string,
  eventPattern: str(r.event_pattern),
  scheduleExpression: str(r.schedule),
  state: r.state as RuleRecord["state"],
  description: str(r.description),
  roleArn: str(r.role_arn),
  createdBy: r.created_by as string,
});

const toDelivery = (r: Row): DeliveryRecord => ({
  id: Number(r.id),
  ruleArn: r.rule_arn as string,
  target: JSON.parse(r.target as string) as Target,
  event: r.event as string,
  payload: r.payload as string,
  stage: r.stage as DeliveryRecord["stage"],
  attempts: Number(r.attempts),
  createdAt: r.created_at as number,
  nextAt: r.next_at as number,
  errorCode: str(r.error_code),
  errorMessage: str(r.error_message),
  exhaustedCondition: str(r.exhausted),
  retryAttempts: r.retry_attempts === null ? null : Number(r.retry_attempts),
});

const toArchive = (r: Row): ArchiveRecord => ({
  name: r.name as string,
  arn: r.arn as string,
  sourceArn: r.source_arn as string,
  description: str(r.description),
  eventPattern: str(r.event_pattern),
  retentionDays: Number(r.retention_days),
  state: r.state as string,
  created: r.created as number,
});

const toReplay = (r: Row): ReplayRecord => ({
  name: r.name as string,
  arn: r.arn as string,
  archiveArn: r.archive_arn as string,
  description: str(r.description),
  destination: JSON.parse(r.destination as string) as ReplayRecord["destination"],
  eventStart: r.event_start as number,
  eventEnd: r.event_end as number,
  state: r.state as ReplayRecord["state"],
  stateReason: str(r.state_reason),
  replayStart: r.replay_start as number,
  replayEnd: (r.replay_end as number | null) ?? null,
  lastReplayed: (r.last_replayed as number | null) ?? null,
  cursor: Number(r.cursor),
});

export type NewDelivery = Pick<DeliveryRecord, "ruleArn" | "target" | "event" | "payload"> & {
  createdAt: number;
};

export class Store {
  private readonly sqlite: SqliteStore;
  private readonly db: DatabaseSync;

  constructor(dataDir: string) {
    // The shared store base: WAL + NORMAL, transactions, versioned migrations.
    this.sqlite = openSqlite(dataDir, "eventbridge.sqlite", [SCHEMA]);
    this.db = this.sqlite.db;
  }

  close() {
    this.sqlite.close();
  }

  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  private run(sql: string, ...params: SQLInputValue[]) {
    return this.db.prepare(sql).run(...params);
  }

  /** Runs `fn` in one transaction: all of its writes land, or none do. */
  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn);
  }

  // ---- buses ----
  getBus(name: string): BusRecord | undefined {
    const r = this.get("SELECT * FROM buses WHERE name = ?", name);
    return (
      r && {
        name,
        arn: r.arn as string,
        description: str(r.description),
        created: r.created as number,
      }
    );
  }

  listBuses(): BusRecord[] {
    return this.all("SELECT * FROM buses ORDER BY name").map((r) => ({
      name: r.name as string,
      arn: r.arn as string,
      description: str(r.description),
      created: r.created as number,
    }));
  }

  insertBus(bus: BusRecord) {
    this.run(
      "INSERT INTO buses (name, arn, description, created) VALUES (?, ?, ?, ?)",
      bus.name,
      bus.arn,
      bus.description,
      bus.created,
    );
  }

  deleteBus(name: string) {
    this.run("DELETE FROM buses WHERE name = ?", name);
  }

  // ---- rules and targets ----
  getRule(bus: string, name: string): RuleRecord | undefined {
    const r = this.get("SELECT * FROM rules WHERE bus = ? AND name = ?", bus, name);
    return r && toRule(r);
  }

  listRules(bus: string): RuleRecord[] {
    return this.all("SELECT * FROM rules WHERE bus = ? ORDER BY name", bus).map(toRule);
  }

  upsertRule(rule: RuleRecord) {
    this.run(
      `INSERT INTO rules (bus, name, arn, event_pattern, schedule, state, description, role_arn, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (bus, name) DO UPDATE SET event_pattern = excluded.event_pattern,
         schedule = excluded.schedule, state = excluded.state, description = excluded.description,
         role_arn = excluded.role_arn`,
      rule.bus,
      rule.name,
      rule.arn,
      rule.eventPattern,
      rule.scheduleExpression,
      rule.state,
      rule.description,
      rule.roleArn,
      rule.createdBy,
    );
  }

  setRuleState(bus: string, name: string, state: RuleRecord["state"]) {
    this.run("UPDATE rules SET state = ? WHERE bus = ? AND name = ?", state, bus, name);
  }

  deleteRule(bus: string, name: string) {
    this.run("DELETE FROM rules WHERE bus = ? AND name = ?", bus, name);
  }

  listTargets(bus: string, rule: string): Target[] {
    return this.all(
      "SELECT body FROM targets WHERE bus = ? AND rule = ? ORDER BY id",
      bus,
      rule,
    ).map((r) => JSON.parse(r.body as string) as Target);
  }

  putTarget(bus: string, rule: string, target: Target) {
    this.run(
      "INSERT INTO targets (bus, rule, id, body) VALUES (?, ?, ?, ?) ON CONFLICT (bus, rule, id) DO UPDATE SET body = excluded.body",
      bus,
      rule,
      target.Id,
      JSON.stringify(target),
    );
  }

  removeTarget(bus: string, rule: string, id: string) {
    this.run("DELETE FROM targets WHERE bus = ? AND rule = ? AND id = ?", bus, rule, id);
  }

  // ---- deliveries ----
  insertDelivery(d: NewDelivery) {
    this.run(
      `INSERT INTO deliveries (rule_arn, target, event, payload, stage, attempts, created_at, next_at)
       VALUES (?, ?, ?, ?, 'target', 0, ?, ?)`,
      d.ruleArn,
      JSON.stringify(d.target),
      d.event,
      d.payload,
      d.createdAt,
      d.createdAt,
    );
  }

  dueDeliveries(now: number, limit: number, exclude: Set<number>): DeliveryRecord[] {
    // Over-fetch by the in-flight count so rows already being sent don't starve the rest.
    return this.all(
      "SELECT * FROM deliveries WHERE next_at <= ? ORDER BY next_at, id LIMIT ?",
      now,
      limit + exclude.size,
    )
      .map(toDelivery)
      .filter((d) => !exclude.has(d.id))
      .slice(0, limit);
  }

  nextDueAt(): number | null {
    const r = this.get("SELECT MIN(next_at) AS at FROM deliveries");
    return (r?.at as number | null) ?? null;
  }

  pendingDeliveries(): number {
    return Number(this.get("SELECT COUNT(*) AS n FROM deliveries")?.n ?? 0);
  }

  deleteDelivery(id: number) {
    this.run("DELETE FROM deliveries WHERE id = ?", id);
  }

  updateDelivery(d: DeliveryRecord) {
    this.run(
      `UPDATE deliveries SET stage = ?, attempts = ?, next_at = ?, error_code = ?, error_message = ?,
         exhausted = ?, retry_attempts = ? WHERE id = ?`,
      d.stage,
      d.attempts,
      d.nextAt,
      d.errorCode,
      d.errorMessage,
      d.exhaustedCondition,
      d.retryAttempts,
      d.id,
    );
  }

  // ---- archives ----
  getArchive(name: string): ArchiveRecord | undefined {
    const r = this.get("SELECT * FROM archives WHERE name = ?", name);
    return r && toArchive(r);
  }

  listArchives(): ArchiveRecord[] {
    return this.all("SELECT * FROM archives ORDER BY name").map(toArchive);
  }

  insertArchive(a: ArchiveRecord) {
    this.run(
      `INSERT INTO archives (name, arn, source_arn, description, event_pattern, retention_days, state, created)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      a.name,
      a.arn,
      a.sourceArn,
      a.description,
      a.eventPattern,
      a.retentionDays,
      a.state,
      a.created,
    );
  }

  deleteArchive(name: string) {
    this.run("DELETE FROM archived_events WHERE archive = ?", name);
    this.run("DELETE FROM archives WHERE name = ?", name);
  }

  archiveEvent(archive: string, time: number, archivedAt: number, event: string) {
    this.run(
      "INSERT INTO archived_events (archive, time, archived_at, event) VALUES (?, ?, ?, ?)",
      archive,
      time,
      archivedAt,
      event,
    );
  }

  archiveStats(archive: string): { count: number; bytes: number } {
    const r = this.get(
      "SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(event AS BLOB))), 0) AS b FROM archived_events WHERE archive = ?",
      archive,
    );
    return { count: Number(r?.n ?? 0), bytes: Number(r?.b ?? 0) };
  }

  purgeArchive(archive: string, archivedBefore: number) {
    this.run(
      "DELETE FROM archived_events WHERE archive = ? AND archived_at < ?",
      archive,
      archivedBefore,
    );
  }

  /** Archived events with start <= time < end, after sequence `cursor`, in time order. */
  archivedWindow(archive: string, start: number, end: number, afterSeq: number, limit: number) {
    return this.all(
      `SELECT seq, time, event FROM archived_events
       WHERE archive = ? AND time >= ? AND time < ? AND seq > ? ORDER BY seq LIMIT ?`,
      archive,
      start,
      end,
      afterSeq,
      limit,
    ).map((r) => ({ seq: Number(r.seq), time: r.time as number, event: r.event as string }));
  }

  // ---- replays ----
  getReplay(name: string): ReplayRecord | undefined {
    const r = this.get("SELECT * FROM replays WHERE name = ?", name);
    return r && toReplay(r);
  }

  listReplays(): ReplayRecord[] {
    return this.all("SELECT * FROM replays ORDER BY replay_start DESC, name").map(toReplay);
  }

  insertReplay(r: ReplayRecord) {
    this.run(
      `INSERT INTO replays (name, arn, archive_arn, description, destination, event_start, event_end,
         state, state_reason, replay_start, replay_end, last_replayed, cursor)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.name,
      r.arn,
      r.archiveArn,
      r.description,
      JSON.stringify(r.destination),
      r.eventStart,
      r.eventEnd,
      r.state,
      r.stateReason,
      r.replayStart,
      r.replayEnd,
      r.lastReplayed,
      r.cursor,
    );
  }

  updateReplay(r: ReplayRecord) {
    this.run(
      `UPDATE replays SET state = ?, state_reason = ?, replay_end = ?, last_replayed = ?, cursor = ?
       WHERE name = ?`,
      r.state,
      r.stateReason,
      r.replayEnd,
      r.lastReplayed,
      r.cursor,
      r.name,
    );
  }
}
