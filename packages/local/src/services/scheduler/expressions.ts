// Schedule expressions as EventBridge Scheduler evaluates them: `at(...)` in the
// schedule's time zone, `rate(n unit)` from the start date, and six-field
// `cron(...)` in the time zone (DST: a time that does not exist is skipped, a
// repeated one fires once), bounded by StartDate/EndDate.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
import { CronExpressionParser } from "cron-parser";

export type Expression =
  | { kind: "at"; text: string; local: string }
  | { kind: "rate"; text: string; periodMs: number }
  | {
      kind: "cron";
      text: string;
      cron: string;
      years: (year: number) => boolean;
      /** The day-of-month field's `nW`/`LW` (cron-parser has no `W`): whether a local date is it. */
      weekday?: (year: number, month: number, day: number) => boolean;
    };

export class InvalidExpressionError extends Error {}

const MINUTE = 60_000;
const UNITS: Record<string, number> = {
  minute: MINUTE,
  minutes: MINUTE,
  hour: 60 * MINUTE,
  hours: 60 * MINUTE,
  day: 1440 * MINUTE,
  days: 1440 * MINUTE,
};

/** True when `zone` is an IANA time zone name the runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses an expression; throws InvalidExpressionError with AWS's complaint. */
export function parseExpression(text: string): Expression {
  const invalid = () => new InvalidExpressionError(`Invalid Schedule Expression ${text}.`);
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as number[];
    const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
    if (
      date.getUTCFullYear() !== y ||
      date.getUTCMonth() !== mo! - 1 ||
      date.getUTCDate() !== d ||
      h! > 23 ||
      mi! > 59 ||
      s! > 59
    )
      throw invalid();
    return { kind: "at", text, local: text.slice(3, -1) };
  }
  const rate = /^rate\((\d+) (\w+)\)$/.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = UNITS[rate[2]!];
    if (!unit || n < 1) throw invalid();
    return { kind: "rate", text, periodMs: n * unit };
  }
  const cron = /^cron\((.+)\)$/.exec(text);
  if (cron) return parseCron(text, cron[1]!.trim(), invalid);
  throw invalid();
}

/**
 * AWS cron: `minutes hours day-of-month month day-of-week year`, one of the two
 * day fields `?`, day-of-week 1–7 = SUN–SAT. cron-parser takes seconds first,
 * 0–6 = SUN–SAT, no year and no `W`, so the year and `nW`/`LW` are matched here.
 */
function parseCron(text: string, fields: string, invalid: () => Error): Expression {
  const parts = fields.split(/\s+/);
  if (parts.length !== 6) throw invalid();
  const [minutes, hours, dom, month, dow, year] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dom === "?") === (dow === "?")) throw invalid();
  let badDay = false;
  const weekday = dow.replace(/\d+/g, (n, offset: number, whole: string) => {
    // After `#` a week's ordinal, after `/` a step: not days.
    if (whole[offset - 1] === "#" || whole[offset - 1] === "/") return n;
    if (Number(n) < 1 || Number(n) > 7) badDay = true;
    return String(Number(n) - 1);
  });
  if (badDay) throw invalid();
  const w = /^([1-9]|[12]\d|3[01]|L)W$/.exec(dom);
  const cronDom = dom === "?" || w ? "*" : dom;
  const cronText = `0 ${minutes} ${hours} ${cronDom} ${month} ${dow === "?" ? "*" : weekday}`;
  try {
    CronExpressionParser.parse(cronText, { strict: false });
  } catch {
    throw invalid();
  }
  return {
    kind: "cron",
    text,
    cron: cronText,
    years: yearMatcher(year, invalid),
    ...(w ? { weekday: nearestWeekday(w[1]!) } : {}),
  };
}

/**
 * `15W`: the weekday nearest the 15th (Saturday → Friday, Sunday → Monday) without
 * leaving the month; `LW`: the last weekday; a day the month lacks never matches.
 */
function nearestWeekday(field: string) {
  return (year: number, month: number, day: number) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    let target = field === "L" ? last : Number(field);
    if (target > last) return false;
    const weekday = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
    if (weekday === 6) target = target === 1 ? 3 : target - 1;
    else if (weekday === 0) target = target === last ? target - 2 : target + 1;
    return day === target;
  };
}

function yearMatcher(field: string, invalid: () => Error): (year: number) => boolean {
  if (field === "*" || field === "?") return () => true;
  const tests = field.split(",").map((part) => {
    const m = /^(\*|\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw invalid();
    const from = m[1] === "*" ? 1970 : Number(m[1]);
    const to = m[2] ? Number(m[2]) : m[3] || m[1] === "*" ? 2199 : from;
    const step = m[3] ? Number(m[3]) : 1;
    if (from < 1970 || to > 2199 || from > to || step < 1) throw invalid();
    return (y: number) => y >= from && y <= to && (y - from) % step === 0;
  });
  return (y) => tests.some((t) => t(y));
}

/** The UTC instant of a wall-clock time `yyyy-mm-ddThh:mm:ss` in `zone`. */
export function zonedTime(local: string, zone: string): number {
  const [date, time] = local.split("T") as [string, string];
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi, s] = time.split(":").map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two passes find the offset in force at that instant (also across a DST change).
  let guess = wall - offsetOf(wall, zone);
  guess = wall - offsetOf(guess, zone);
  return guess;
}

/** The zone's offset from UTC at `instant`, in ms. */
function offsetOf(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export interface Timing {
  expression: Expression;
  /** IANA zone; default UTC. */
  timeZone?: string;
  startDate?: number;
  endDate?: number;
  /** When the schedule was created (a rate without StartDate counts from it). */
  createdAt: number;
}

/**
 * The first invocation time strictly after `after` (or at `after` when `inclusive`),
 * or undefined when the schedule has no more.
 */
export function nextFireTime(t: Timing, after: number, inclusive = false): number | undefined {
  const zone = t.timeZone ?? "UTC";
  const from = Math.max(after, t.startDate ?? Number.NEGATIVE_INFINITY);
  const fits = (at: number) =>
    (inclusive ? at >= after : at > after) &&
    (t.startDate === undefined || at >= t.startDate) &&
    (t.endDate === undefined || at <= t.endDate);
  const e = t.expression;
  if (e.kind === "at") {
    // A one-time schedule ignores StartDate/EndDate (AWS applies them to recurring ones).
    const at = zonedTime(e.local, zone);
    return (inclusive ? at >= after : at > after) ? at : undefined;
  }
  if (e.kind === "rate") {
    const origin = t.startDate ?? t.createdAt;
    const k = Math.max(0, Math.ceil((from - origin) / e.periodMs));
    let at = origin + k * e.periodMs;
    if (!fits(at)) at += e.periodMs;
    return fits(at) ? at : undefined;
  }
  const iterator = CronExpressionParser.parse(e.cron, {
    tz: zone,
    currentDate: new Date(inclusive ? from - 1 : from),
  });
  // cron-parser moves a time the spring-forward gap swallowed to after the gap; AWS skips it.
  const matcher = CronExpressionParser.parse(e.cron, { tz: zone });
  for (let i = 0; i < 10_000; i++) {
    let next: number;
    try {
      next = iterator.next().getTime();
    } catch {
      return undefined;
    }
    if (t.endDate !== undefined && next > t.endDate) return undefined;
    const [year, month, day] = localDate(next, zone);
    if (year > 2199) return undefined;
    // A year or a day that cannot match is skipped whole, not minute by minute.
    if (!e.years(year)) {
      iterator.reset(new Date(zonedTime(`${year + 1}-01-01T00:00:00`, zone) - 1));
      continue;
    }
    if (e.weekday && !e.weekday(year, month, day)) {
      const tomorrow = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
      iterator.reset(new Date(zonedTime(`${tomorrow}T00:00:00`, zone) - 1));
      continue;
    }
    if (fits(next) && matcher.includesDate(new Date(next))) return next;
  }
  return undefined;
}

/** The local calendar date of an instant in `zone`: [year, month 1–12, day]. */
function localDate(instant: number, zone: string): [number, number, number] {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return [get("year"), get("month"), get("day")];
}
