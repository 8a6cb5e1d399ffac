import { randomUUID } from "node:crypto";
import type { LogStore } from "./log-store";
import {
  MalformedQueryError,
  parseQuery,
  type QueryOutcome,
  requiredEquality,
  runQuery,
} from "./query-language";

// CloudWatch Logs over the local log store (AWS JSON 1.1, `Logs_20140328.*`):
// DescribeLogGroups and Logs Insights' StartQuery / GetQueryResults / StopQuery.
// Each function has one log group, named as SST names it; its lines are the
// runner's (one log stream per request id). A query runs to completion inside
// StartQuery, so GetQueryResults always answers Complete.

export interface CloudWatchLogsOptions {
  /** The runner's log store; undefined while the runner is starting. */
  store: () => LogStore | undefined;
  /** Local function names that have a log group. */
  functionNames: () => string[];
  /** A function's log group name (`/aws/lambda/<physical name>`). */
  logGroupOf: (functionName: string) => string;
  accountId: string;
  region: string;
  /** When the log groups were created (the runner's start). */
  createdAt?: number;
}

export interface ServiceResponse {
  status: number;
  body: unknown;
}

class LogsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface StoredQuery {
  status: "Complete" | "Cancelled";
  outcome: QueryOutcome;
  queryString: string;
  logGroupNames: string[];
  createdAt: number;
}

/** Query results kept for GetQueryResults (AWS keeps them 7 days; we keep the latest). */
const KEPT_QUERIES = 500;
const MAX_GROUPS_PER_QUERY = 50;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function createCloudWatchLogs(options: CloudWatchLogsOptions) {
  const createdAt = options.createdAt ?? Date.now();
  const queries = new Map<string, StoredQuery>();
  const arnOf = (group: string) =>
    `arn:aws:logs:${options.region}:${options.accountId}:log-group:${group}`;

  const groups = () =>
    new Map(options.functionNames().map((fn) => [options.logGroupOf(fn), fn] as const));

  /** `name`, or `arn:aws:logs:…:log-group:name[:*]` as logGroupIdentifiers allow. */
  const groupName = (identifier: string) =>
    /^arn:aws:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier)?.[1] ?? identifier;

  function describeLogGroups(body: Record<string, unknown>) {
    const prefix = str(body.logGroupNamePrefix);
    const pattern = str(body.logGroupNamePattern);
    if (prefix !== undefined && pattern !== undefined)
      throw new LogsError(
        "InvalidParameterException",
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
      );
    const limit = body.limit === undefined ? 50 : Number(body.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      throw new LogsError("InvalidParameterException", "limit must be between 1 and 50");
    const names = [...groups().keys()]
      .filter((n) => (prefix === undefined ? true : n.startsWith(prefix)))
      .filter((n) =>
        pattern === undefined ? true : n.toLowerCase().includes(pattern.toLowerCase()),
      )
      .sort();
    // The token is the last name returned: stable while groups come and go.
    const after = str(body.nextToken);
    const start = after ? names.findIndex((n) => n > after) : 0;
    const page = start === -1 ? [] : names.slice(start, start + limit);
    const more = start !== -1 && start + limit < names.length;
    return {
      logGroups: page.map((name) => ({
        logGroupName: name,
        creationTime: createdAt,
        metricFilterCount: 0,
        arn: `${arnOf(name)}:*`,
        logGroupArn: arnOf(name),
        storedBytes: 0,
        logGroupClass: "STANDARD",
      })),
      ...(more ? { nextToken: page.at(-1) } : {}),
    };
  }

  function startQuery(body: Record<string, unknown>) {
    const queryString = str(body.queryString);
    if (!queryString) throw new LogsError("InvalidParameterException", "queryString is required");
    const identifiers = [
      ...(str(body.logGroupName) ? [str(body.logGroupName)!] : []),
      ...(Array.isArray(body.logGroupNames) ? body.logGroupNames : []),
      ...(Array.isArray(body.logGroupIdentifiers) ? body.logGroupIdentifiers : []),
    ].map(String);
    if (identifiers.length === 0)
      throw new LogsError(
        "InvalidParameterException",
        "Specify logGroupName, logGroupNames or logGroupIdentifiers",
      );
    if (identifiers.length > MAX_GROUPS_PER_QUERY)
      throw new LogsError(
        "InvalidParameterException",
        `A query can name at most ${MAX_GROUPS_PER_QUERY} log groups`,
      );
    const startTime = Number(body.startTime);
    const endTime = Number(body.endTime);
    if (!Number.isFinite(startTime) || !Number.isFinite(endTime) || startTime < 0)
      throw new LogsError(
        "InvalidParameterException",
        "startTime and endTime are required (seconds since the epoch)",
      );
    if (endTime < startTime)
      throw new LogsError("InvalidParameterException", "endTime must not be before startTime");
    const limit = body.limit === undefined ? undefined : Number(body.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10_000))
      throw new LogsError("InvalidParameterException", "limit must be between 1 and 10000");
    const known = groups();
    const logGroupNames = identifiers.map(groupName);
    const missing = logGroupNames.filter((n) => !known.has(n));
    if (missing.length)
      throw new LogsError(
        "ResourceNotFoundException",
        `Log group '${missing[0]}' does not exist for account ID '${options.accountId}'`,
      );
    let query: ReturnType<typeof parseQuery>;
    try {
      query = parseQuery(queryString);
    } catch (error) {
      if (error instanceof MalformedQueryError)
        throw new LogsError("MalformedQueryException", error.message);
      throw error;
    }
    const store = options.store();
    if (!store)
      throw new LogsError("ServiceUnavailableException", "The log store is starting", 503);
    const groupOfFunction = new Map(logGroupNames.map((g) => [known.get(g)!, g]));
    const correlationId = requiredEquality(query, "correlation_id");
    const lines = store.scan({
      functionNames: [...groupOfFunction.keys()],
      // Seconds, inclusive: the whole last second counts.
      from: startTime * 1000,
      to: endTime * 1000 + 999,
      ...(correlationId !== undefined ? { correlationId } : {}),
    });
    const outcome = runQuery(
      query,
      lines.map((line) => ({
        timestamp: line.time,
        ingestionTime: line.time,
        message: line.message,
        logGroup: groupOfFunction.get(line.functionName)!,
        logStream: `${new Date(line.time).toISOString().slice(0, 10).replaceAll("-", "/")}/[$LATEST]${line.requestId}`,
        ptr: Buffer.from(`${line.id}`).toString("base64"),
      })),
      { accountId: options.accountId, ...(limit !== undefined ? { limit } : {}) },
    );
    const queryId = randomUUID();
    queries.set(queryId, {
      status: "Complete",
      outcome,
      queryString,
      logGroupNames,
      createdAt: Date.now(),
    });
    while (queries.size > KEPT_QUERIES) queries.delete(queries.keys().next().value!);
    return { queryId };
  }

  function storedQuery(body: Record<string, unknown>) {
    const queryId = str(body.queryId);
    if (!queryId) throw new LogsError("InvalidParameterException", "queryId is required");
    const stored = queries.get(queryId);
    if (!stored) throw new LogsError("ResourceNotFoundException", `Query ${queryId} not found`);
    return stored;
  }

  function getQueryResults(body: Record<string, unknown>) {
    const stored = storedQuery(body);
    return {
      status: stored.status,
      results: stored.outcome.rows,
      statistics: {
        recordsMatched: stored.outcome.recordsMatched,
        recordsScanned: stored.outcome.recordsScanned,
        bytesScanned: stored.outcome.bytesScanned,
      },
    };
  }

  /** Queries finish inside StartQuery: there is never one running to stop. */
  function stopQuery(body: Record<string, unknown>) {
    storedQuery(body);
    return { success: false };
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    DescribeLogGroups: describeLogGroups,
    StartQuery: startQuery,
    GetQueryResults: getQueryResults,
    StopQuery: stopQuery,
  };

  return {
    /** The actions `handle` answers (each has an IAM declaration in operations.ts). */
    operations: Object.keys(operations),
    async handle(action: string, body: unknown): Promise<ServiceResponse> {
      const operation = operations[action];
      if (!operation)
        return {
          status: 400,
          body: {
            __type: "UnknownOperationException",
            message: `CloudWatch Logs ${action} is not served by the local cloud (only ${Object.keys(operations).join(", ")})`,
          },
        };
      const input =
        body && typeof body === "object" && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : {};
      try {
        return { status: 200, body: operation(input) };
      } catch (error) {
        if (error instanceof LogsError)
          return { status: error.status, body: { __type: error.code, message: error.message } };
        throw error;
      }
    },
  };
}

export type CloudWatchLogs = ReturnType<typeof createCloudWatchLogs>;
