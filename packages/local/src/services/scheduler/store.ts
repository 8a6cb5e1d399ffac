// The scheduler's durable state in one node:sqlite file: groups, schedules with
// their next firing time, and the invocations due (written in the same
// transaction that advances a schedule, so a SIGKILL loses none and a restart
// makes them: at least once, as AWS).
import { openSqlite, type SqliteStore } from "../../protocol";
import type { ScheduleRecord, ScheduleTarget } from "./types";

const MIGRATIONS = [
  `CREATE TABLE schedule_groups (
     name TEXT PRIMARY KEY, arn TEXT NOT NULL, created INTEGER NOT NULL,
     modified INTEGER NOT NULL, client_token TEXT);
   CREATE TABLE schedules (
     grp TEXT NOT NULL, name TEXT NOT NULL, record TEXT NOT NULL, client_token TEXT,
     next_at INTEGER, fire_at INTEGER, PRIMARY KEY (grp, name));
   CREATE INDEX schedules_fire ON schedules (fire_at) WHERE fire_at IS NOT NULL;
   CREATE TABLE invocations (
     id INTEGER PRIMARY KEY AUTOINCREMENT, schedule_arn TEXT NOT NULL, target TEXT NOT NULL,
     payload TEXT NOT NULL, stage TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL, next_at INTEGER NOT NULL, error_code TEXT,
     error_message TEXT, exhausted_condition TEXT, retry_attempts INTEGER);
   CREATE INDEX invocations_due ON invocations (next_at);`,
];

export interface InvocationRow {
  id: number;
  scheduleArn: string;
  target: ScheduleTarget;
  payload: string;
  stage: "target" | "dlq";
  attempts: number;
  createdAt: number;
  nextAt: number;
  errorCode: string | null;
  errorMessage: string | null;
  exhaustedCondition: string | null;
  retryAttempts: number | null;
}

export interface GroupRow {
  name: string;
  arn: string;
  created: number;
  modified: number;
  clientToken: string | null;
}

export interface ScheduleRow {
  record: ScheduleRecord;
  clientToken: string | null;
  nextAt: number | null;
  fireAt: number | null;
}

type Row = Record<string, unknown>;

export function openSchedulerStore(dataDir: string) {
  const sql: SqliteStore = openSqlite(dataDir, "scheduler.sqlite", MIGRATIONS);
  const db = sql.db;
  const group = (r: Row): GroupRow => ({
    name: r.name as string,
    arn: r.arn as string,
    created: r.created as number,
    modified: r.modified as number,
    clientToken: (r.client_token as string | null) ?? null,
  });
  const schedule = (r: Row): ScheduleRow => ({
    record: JSON.parse(r.record as string),
    clientToken: (r.client_token as string | null) ?? null,
    nextAt: (r.next_at as number | null) ?? null,
    fireAt: (r.fire_at as number | null) ?? null,
  });
  const invocation = (r: Row): InvocationRow => ({
    id: r.id as number,
    scheduleArn: r.schedule_arn as string,
    target: JSON.parse(r.target as string),
    payload: r.payload as string,
    stage: r.stage as "target" | "dlq",
    attempts: r.attempts as number,
    createdAt: r.created_at as number,
    nextAt: r.next_at as number,
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    exhaustedCondition: (r.exhausted_condition as string | null) ?? null,
    retryAttempts: (r.retry_attempts as number | null) ?? null,
  });

  return {
    transaction: sql.transaction,
    close: () => sql.close(),

    getGroup(name: string): GroupRow | undefined {
      const r = db.prepare("SELECT * FROM schedule_groups WHERE name = ?").get(name) as Row;
      return r ? group(r) : undefined;
    },
    putGroup(g: GroupRow) {
      db.prepare(
        "INSERT INTO schedule_groups (name, arn, created, modified, client_token) VALUES (?, ?, ?, ?, ?)",
      ).run(g.name, g.arn, g.created, g.modified, g.clientToken);
    },
    listGroups(prefix: string): GroupRow[] {
      return (
        db
          .prepare("SELECT * FROM schedule_groups WHERE substr(name, 1, ?) = ? ORDER BY name")
          .all(prefix.length, prefix) as Row[]
      ).map(group);
    },
    deleteGroup(name: string) {
      db.prepare("DELETE FROM schedules WHERE grp = ?").run(name);
      db.prepare("DELETE FROM schedule_groups WHERE name = ?").run(name);
    },

    getSchedule(grp: string, name: string): ScheduleRow | undefined {
      const r = db.prepare("SELECT * FROM schedules WHERE grp = ? AND name = ?").get(grp, name);
      return r ? schedule(r as Row) : undefined;
    },
    /** Inserts or replaces a schedule with its next nominal and actual firing times. */
    putSchedule(row: ScheduleRow) {
      db.prepare(
        `INSERT INTO schedules (grp, name, record, client_token, next_at, fire_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (grp, name) DO UPDATE SET record = excluded.record,
           client_token = excluded.client_token, next_at = excluded.next_at, fire_at = excluded.fire_at`,
      ).run(
        row.record.GroupName,
        row.record.Name,
        JSON.stringify(row.record),
        row.clientToken,
        row.nextAt,
        row.fireAt,
      );
    },
    deleteSchedule(grp: string, name: string) {
      db.prepare("DELETE FROM schedules WHERE grp = ? AND name = ?").run(grp, name);
    },
    listSchedules(filter: { group?: string; prefix: string; state?: string }): ScheduleRow[] {
      return (
        db
          .prepare(
            `SELECT * FROM schedules WHERE (? IS NULL OR grp = ?) AND substr(name, 1, ?) = ?
             AND (? IS NULL OR json_extract(record, '$.State') = ?) ORDER BY grp, name`,
          )
          .all(
            filter.group ?? null,
            filter.group ?? null,
            filter.prefix.length,
            filter.prefix,
            filter.state ?? null,
            filter.state ?? null,
          ) as Row[]
      ).map(schedule);
    },
    dueSchedules(now: number): ScheduleRow[] {
      return (
        db
          .prepare(
            "SELECT * FROM schedules WHERE fire_at IS NOT NULL AND fire_at <= ? ORDER BY fire_at",
          )
          .all(now) as Row[]
      ).map(schedule);
    },

    addInvocation(i: { scheduleArn: string; target: ScheduleTarget; payload: string; at: number }) {
      db.prepare(
        "INSERT INTO invocations (schedule_arn, target, payload, stage, created_at, next_at) VALUES (?, ?, ?, 'target', ?, ?)",
      ).run(i.scheduleArn, JSON.stringify(i.target), i.payload, i.at, i.at);
    },
    dueInvocations(now: number, exclude: ReadonlySet<number>): InvocationRow[] {
      return (
        db
          .prepare("SELECT * FROM invocations WHERE next_at <= ? ORDER BY next_at, id")
          .all(now) as Row[]
      )
        .map(invocation)
        .filter((i) => !exclude.has(i.id));
    },
    updateInvocation(i: InvocationRow) {
      db.prepare(
        `UPDATE invocations SET stage = ?, attempts = ?, next_at = ?, error_code = ?, error_message = ?,
           exhausted_condition = ?, retry_attempts = ? WHERE id = ?`,
      ).run(
        i.stage,
        i.attempts,
        i.nextAt,
        i.errorCode,
        i.errorMessage,
        i.exhaustedCondition,
        i.retryAttempts,
        i.id,
      );
    },
    deleteInvocation(id: number) {
      db.prepare("DELETE FROM invocations WHERE id = ?").run(id);
    },
    /** The earliest time anything is due (a schedule or an invocation), if any. */
    nextDue(): number | undefined {
      const r = db
        .prepare(
          "SELECT min(t) AS t FROM (SELECT min(fire_at) AS t FROM schedules UNION ALL SELECT min(next_at) FROM invocations)",
        )
        .get() as { t: number | null };
      return r.t ?? undefined;
    },
  };
}

export type SchedulerStore = ReturnType<typeof openSchedulerStore>;
