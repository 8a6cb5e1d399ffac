import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { LogsPort } from "../ports";
import type { LogLine } from "../schemas";

// "Every log line that carried this correlation id": a CloudWatch Logs
// Insights query across the functions' log groups, on AWS and on the local
// cloud alike (its endpoint answers the same API over its log store).

/** Insights writes `2026-12-06 03:14:04.123` (UTC); the API speaks ISO 8601. */
const insightsTimeToIso = (value: string | undefined) =>
  value && /^\d{4}-\d\d-\d\d \d/.test(value) ? `${value.replace(" ", "T")}Z` : value;

// `at` is the event's CloudWatch time (`@timestamp`), the one the query sorts
// by: a line's own Powertools `timestamp` can disagree with it by a few ms
// across functions, and the timeline would then read out of order.
const toLine = (fields: Record<string, unknown>): LogLine => ({
  at: String(fields["@timestamp"] ?? fields.timestamp ?? new Date(0).toISOString()),
  level: String(fields.level ?? "INFO"),
  message: String(fields.message ?? fields["@message"] ?? ""),
  service: typeof fields.service === "string" ? fields.service : null,
  requestId:
    typeof fields.function_request_id === "string"
      ? fields.function_request_id
      : typeof fields.requestId === "string"
        ? fields.requestId
        : null,
  fields,
});

/**
 * The log groups of this app's functions on this stage: SST names a function
 * `<app>-<stage>-<Name>Function-<suffix>` and its group `/aws/lambda/<that>`.
 */
export function lambdaLogGroups(
  logs: CloudWatchLogsClient,
  app: () => { name: string; stage: string },
) {
  return async (): Promise<string[]> => {
    const { name, stage } = app();
    const groups: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new DescribeLogGroupsCommand({
          logGroupNamePrefix: `/aws/lambda/${name}-${stage}-`,
          limit: 50,
          nextToken,
        }),
      );
      for (const g of page.logGroups ?? []) if (g.logGroupName) groups.push(g.logGroupName);
      nextToken = page.nextToken;
      // StartQuery takes at most 50 groups.
    } while (nextToken && groups.length < 50);
    return groups.slice(0, 50);
  };
}

/**
 * One Logs Insights query over every function's log group (the same query
 * the seed shows in §10.1), polled until it completes.
 */
export function cloudWatchLogs(deps: {
  logs: CloudWatchLogsClient;
  logGroups: () => Promise<string[]>;
}): LogsPort {
  return {
    async byCorrelationId(correlationId, { from, to }) {
      const logGroupNames = await deps.logGroups();
      if (logGroupNames.length === 0) return [];
      const safeId = correlationId.replace(/["\\]/g, "");
      const { queryId } = await deps.logs.send(
        new StartQueryCommand({
          logGroupNames,
          startTime: Math.floor(Date.parse(from) / 1000),
          endTime: Math.ceil(Date.parse(to) / 1000),
          queryString: `fields @timestamp, @log, @message | filter correlation_id = "${safeId}" | sort @timestamp asc | limit 1000`,
        }),
      );
      for (let attempt = 0; attempt < 40; attempt++) {
        const result = await deps.logs.send(new GetQueryResultsCommand({ queryId }));
        if (result.status === "Complete") {
          return (result.results ?? []).map((row) => {
            const cell = (name: string) => row.find((f) => f.field === name)?.value;
            let fields: Record<string, unknown> = {};
            try {
              fields = JSON.parse(cell("@message") ?? "{}");
            } catch {
              fields = { message: cell("@message") };
            }
            return toLine({
              ...fields,
              "@timestamp": insightsTimeToIso(cell("@timestamp")),
              logGroup: cell("@log"),
            });
          });
        }
        if (
          result.status === "Failed" ||
          result.status === "Cancelled" ||
          result.status === "Timeout"
        ) {
          throw new Error(`Logs Insights query ${result.status}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error("Logs Insights query did not finish in 20 s");
    },
  };
}
