import { describe, expect, it } from "vitest";
import { type LogRecord, parseQuery, requiredEquality, runQuery } from "./query-language";

// The Logs Insights subset, table-driven over a small fixed set of records:
// each case is a query and what Insights answers for it.

const T0 = Date.parse("2026-12-06T03:00:00.000Z");
const json = (fields: Record<string, unknown>) => JSON.stringify(fields);
const records: LogRecord[] = [
  {
    message: json({ level: "INFO", message: "order accepted", correlation_id: "c1", total: 120 }),
    at: 0,
  },
  {
    message: json({ level: "ERROR", message: "charge failed", correlation_id: "c1", total: 120 }),
    at: 1,
  },
  {
    message: json({ level: "INFO", message: "order accepted", correlation_id: "c2", total: 15 }),
    at: 2,
  },
  {
    message: json({
      level: "WARN",
      message: "slow provider",
      correlation_id: "c2",
      provider: { name: "pay", latencyMs: 900 },
    }),
    at: 3,
  },
  { message: "START RequestId: r5 Version: $LATEST", at: 4 },
].map(({ message, at }, i) => ({
  timestamp: T0 + at * 1000,
  ingestionTime: T0 + at * 1000,
  message,
  logGroup:
    i < 2 ? "/aws/lambda/orders-local-IngressFunction" : "/aws/lambda/orders-local-PayFunction",
  logStream: `stream-${i}`,
  ptr: `p${i}`,
}));

/** The records' indexes a query returns, in order, read from their @ptr. */
const indexes = (query: string) =>
  runQuery(parseQuery(query), records, { accountId: "000000000000" }).rows.map((row) =>
    Number(row.find((f) => f.field === "@ptr")!.value.slice(1)),
  );

describe("Logs Insights subset: filter, sort, limit", () => {
  it.each([
    ["fields @timestamp, @message", [4, 3, 2, 1, 0]],
    ['filter correlation_id = "c1"', [1, 0]],
    ["filter correlation_id = 'c1' | sort @timestamp asc", [0, 1]],
    ['filter level != "INFO"', [3, 1]],
    ['filter level = "ERROR" or level = "WARN"', [3, 1]],
    ['filter level = "INFO" and correlation_id = "c2"', [2]],
    // not negates the comparison: a record without the field passes.
    ['filter not level = "INFO"', [4, 3, 1]],
    ['filter (level = "INFO" or level = "WARN") and correlation_id = "c2"', [3, 2]],
    ['filter level in ["ERROR", "WARN"]', [3, 1]],
    ['filter level not in ["ERROR", "WARN"]', [2, 0]],
    ["filter total > 100", [1, 0]],
    ["filter total <= 15", [2]],
    ["filter total >= 15 and total < 120", [2]],
    ["filter provider.latencyMs >= 900", [3]],
    ['filter provider.name = "pay"', [3]],
    ["filter message like /charge|slow/", [3, 1]],
    ["filter message like /(?i)ORDER/", [2, 0]],
    ['filter @message like "RequestId"', [4]],
    ["filter @message =~ /^START/", [4]],
    ["filter @logStream = 'stream-2'", [2]],
    ['filter @log like "IngressFunction"', [1, 0]],
    ["sort @timestamp asc | limit 2", [0, 1]],
    ["sort total desc, @timestamp asc", [0, 1, 2, 3, 4]],
    ["limit 1", [4]],
    // A record without the field matches no comparison, not even !=.
    ['filter correlation_id != "c1"', [3, 2]],
    ['filter missing = "x" or level = "ERROR"', [1]],
  ])("%s", (query, expected) => {
    expect(indexes(query)).toEqual(expected);
  });
});

describe("Logs Insights subset: what a result row carries", () => {
  it("fields names the columns, in order, and @ptr comes along", () => {
    const out = runQuery(
      parseQuery("fields @timestamp, level, correlation_id | filter total = 15"),
      records,
      { accountId: "000000000000" },
    );
    expect(out.rows).toEqual([
      [
        { field: "@timestamp", value: "2026-12-06 03:00:02.000" },
        { field: "level", value: "INFO" },
        { field: "correlation_id", value: "c2" },
        { field: "@ptr", value: "p2" },
      ],
    ]);
    expect(out).toMatchObject({ recordsMatched: 1, recordsScanned: 5 });
  });

  it("@log is the account and the log group, as Insights writes it", () => {
    const out = runQuery(parseQuery("fields @log | limit 1 | sort @timestamp asc"), records, {
      accountId: "000000000000",
    });
    expect(out.rows[0]![0]).toEqual({
      field: "@log",
      value: "000000000000:/aws/lambda/orders-local-IngressFunction",
    });
  });

  it.each([
    [
      "stats count(*) by level",
      [
        [
          { field: "level", value: "INFO" },
          { field: "count(*)", value: "2" },
        ],
        [
          { field: "level", value: "ERROR" },
          { field: "count(*)", value: "1" },
        ],
        [
          { field: "level", value: "WARN" },
          { field: "count(*)", value: "1" },
        ],
        [{ field: "count(*)", value: "1" }],
      ],
    ],
    [
      "filter ispresent = 1 or level = 'INFO' | stats count() as n, count(total) as withTotal",
      [
        [
          { field: "n", value: "2" },
          { field: "withTotal", value: "2" },
        ],
      ],
    ],
  ])("%s", (query, expected) => {
    expect(runQuery(parseQuery(query), records, { accountId: "0" }).rows).toEqual(expected);
  });

  it("the admin API's own query (seed §10.1) returns one order's lines, oldest first", () => {
    const out = runQuery(
      parseQuery(
        'fields @timestamp, @log, @message | filter correlation_id = "c1" | sort @timestamp asc | limit 1000',
      ),
      records,
      { accountId: "000000000000" },
    );
    expect(out.rows.map((r) => JSON.parse(r[2]!.value).message)).toEqual([
      "order accepted",
      "charge failed",
    ]);
  });
});

describe("Logs Insights subset: what it refuses", () => {
  it.each([
    ["", /empty/],
    ["parse @message 'x * y' as a, b", /command 'parse' is not in/],
    ["filter level = ", /end of query/],
    ['filter level = "x', /unterminated string/],
    ["filter message like /(/", /invalid regular expression/],
    ["limit 0", /limit takes/],
    ["limit 10001", /limit takes/],
    ["stats avg(total)", /only count/],
    ["fields a |", /unexpected end|empty command/],
    ["fields a b", /unexpected 'b'/],
    ["filter a = 1 | stats count(*) | stats count(*)", /only one stats/],
  ])("%j", (query, message) => {
    expect(() => parseQuery(query)).toThrow(message);
  });
});

describe("requiredEquality (the store's index narrows the scan)", () => {
  it.each([
    ['filter correlation_id = "c1"', "c1"],
    ['filter level = "INFO" and correlation_id = "c1"', "c1"],
    ['filter level = "INFO" | filter correlation_id = "c1"', "c1"],
    ['filter level = "INFO" or correlation_id = "c1"', undefined],
    ['filter not correlation_id = "c1"', undefined],
    ["filter correlation_id = 5", undefined],
    ['stats count(*) by correlation_id | filter correlation_id = "c1"', undefined],
  ])("%s → %s", (query, expected) => {
    expect(requiredEquality(parseQuery(query), "correlation_id")).toBe(expected);
  });
});
