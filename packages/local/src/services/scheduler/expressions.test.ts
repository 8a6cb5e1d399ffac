// Schedule expressions and the next firing time, in time zones and across DST,
// as EventBridge Scheduler documents them.
import { describe, expect, it } from "vitest";
import { nextFireTime, parseExpression, type Timing } from "./expressions";

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
/** The next `count` firing times after `after`. */
function fires(expression: string, after: string, count: number, more: Partial<Timing> = {}) {
  const timing: Timing = { expression: parseExpression(expression), createdAt: t(after), ...more };
  const out: (string | undefined)[] = [];
  let at = t(after);
  for (let i = 0; i < count; i++) {
    const next = nextFireTime(timing, at);
    out.push(iso(next));
    if (next === undefined) break;
    at = next;
  }
  return out;
}

describe("parsing", () => {
  it.each([
    "at(2026-12-06T10:00:00)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(2 hours)",
    "rate(1 day)",
    "cron(0 12 * * ? *)",
    "cron(15 10 ? * 6L 2026-2028)",
    "cron(0 9 ? * MON-FRI *)",
    "cron(0/15 * * * ? *)",
    "cron(0 9 15W * ? *)",
    "cron(0 9 LW * ? *)",
  ])("accepts %s", (e) => {
    expect(() => parseExpression(e)).not.toThrow();
  });

  it.each([
    "at(2026-02-30T10:00:00)",
    "at(2026-12-06 10:00:00)",
    "rate(0 minutes)",
    "rate(5 weeks)",
    "cron(0 12 * * *)",
    "cron(0 12 * * * *)",
    "cron(0 12 ? * ? *)",
    "cron(0 12 ? * 8 *)",
    "cron(0 25 * * ? *)",
    "cron(0 12 * * ? 1969)",
    "every day",
  ])("rejects %s", (e) => {
    expect(() => parseExpression(e)).toThrow(`Invalid Schedule Expression ${e}.`);
  });
});

describe("next firing time", () => {
  it("at() is the wall-clock time in the schedule's zone, once", () => {
    expect(
      fires("at(2026-12-06T10:00:00)", "2026-12-01T00:00:00Z", 2, { timeZone: "Asia/Tokyo" }),
    ).toEqual(["2026-12-06T01:00:00.000Z", undefined]);
    expect(
      fires("at(2026-07-01T09:30:00)", "2026-01-01T00:00:00Z", 1, { timeZone: "Europe/Paris" }),
    ).toEqual(["2026-07-01T07:30:00.000Z"]);
  });

  it("rate() counts from StartDate, else from creation, and stops at EndDate", () => {
    expect(
      fires("rate(5 minutes)", "2026-12-06T10:07:00Z", 2, { createdAt: t("2026-12-06T10:00:00Z") }),
    ).toEqual(["2026-12-06T10:10:00.000Z", "2026-12-06T10:15:00.000Z"]);
    expect(
      fires("rate(1 hour)", "2026-12-06T00:00:00Z", 3, {
        startDate: t("2026-12-06T08:30:00Z"),
        endDate: t("2026-12-06T09:45:00Z"),
      }),
    ).toEqual(["2026-12-06T08:30:00.000Z", "2026-12-06T09:30:00.000Z", undefined]);
  });

  it("cron day-of-week is 1–7 = SUN–SAT, with # and L", () => {
    // Friday 2026-12-04; MON-FRI = 2-6.
    expect(fires("cron(0 9 ? * 2-6 *)", "2026-12-04T00:00:00Z", 3)).toEqual([
      "2026-12-04T09:00:00.000Z",
      "2026-12-07T09:00:00.000Z",
      "2026-12-08T09:00:00.000Z",
    ]);
    expect(fires("cron(0 9 ? * 6#3 *)", "2026-12-01T00:00:00Z", 1)).toEqual([
      "2026-12-18T09:00:00.000Z",
    ]);
    expect(fires("cron(0 9 ? * 6L *)", "2026-12-01T00:00:00Z", 1)).toEqual([
      "2026-12-25T09:00:00.000Z",
    ]);
  });

  it("cron honours the year field", () => {
    expect(fires("cron(0 9 1 * ? 2028)", "2026-12-01T00:00:00Z", 1)).toEqual([
      "2028-01-01T09:00:00.000Z",
    ]);
    expect(fires("cron(0 9 1 1 ? 2027)", "2027-06-01T00:00:00Z", 1)).toEqual([undefined]);
  });

  it("cron W: the weekday nearest the day, within its month; LW: the month's last weekday", () => {
    // 2026-11-15 is a Sunday, 2026-08-01 a Saturday, 2026-10-31 a Saturday, 2027-01-31 a Sunday.
    expect(fires("cron(0 9 15W * ? *)", "2026-11-01T00:00:00Z", 2)).toEqual([
      "2026-11-16T09:00:00.000Z",
      "2026-12-15T09:00:00.000Z",
    ]);
    expect(fires("cron(0 9 1W * ? *)", "2026-08-01T00:00:00Z", 1)).toEqual([
      "2026-08-03T09:00:00.000Z",
    ]);
    expect(fires("cron(0 9 LW * ? *)", "2026-10-01T00:00:00Z", 1)).toEqual([
      "2026-10-30T09:00:00.000Z",
    ]);
    expect(fires("cron(0 0 31W * ? *)", "2026-11-01T00:00:00Z", 2)).toEqual([
      "2026-12-31T00:00:00.000Z",
      "2027-01-29T00:00:00.000Z",
    ]);
  });

  it("cron reaches a year far ahead without walking every minute to it", () => {
    expect(fires("cron(* * * * ? 2030)", "2026-11-01T00:00:00Z", 2)).toEqual([
      "2030-01-01T00:00:00.000Z",
      "2030-01-01T00:01:00.000Z",
    ]);
  });

  it("cron in a zone: a time the spring-forward gap swallows is skipped", () => {
    // America/New_York jumps from 02:00 to 03:00 on 2026-03-08.
    expect(
      fires("cron(30 2 * * ? *)", "2026-03-07T00:00:00Z", 2, { timeZone: "America/New_York" }),
    ).toEqual(["2026-03-07T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]);
  });

  it("cron in a zone: a time the fall-back hour repeats fires once", () => {
    // America/New_York goes from 02:00 EDT back to 01:00 EST on 2026-11-01.
    expect(
      fires("cron(30 1 * * ? *)", "2026-10-31T12:00:00Z", 2, { timeZone: "America/New_York" }),
    ).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
  });

  it("cron keeps the wall-clock time across DST (the UTC time moves)", () => {
    expect(
      fires("cron(0 8 * * ? *)", "2026-03-27T12:00:00Z", 3, { timeZone: "Europe/London" }),
    ).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z", "2026-03-30T07:00:00.000Z"]);
  });
});
