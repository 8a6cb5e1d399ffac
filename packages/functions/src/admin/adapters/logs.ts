import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { LogsPort } from "../ports";
import type { LogLine } from "../schemas";

// Two adapters for one question: "every log line that carried this
// correlation id". In AWS that is a CloudWatch Logs Insights query across the
// functions' log groups; the local cloud keeps its handlers' structured logs
// and answers the same question over HTTP on its AWS endpoint.

const toLine = (fields: Record<string, unknown>): LogLine => ({
  at: String(fields.timestamp ?? fields["@timestamp"] ?? new Date(0).toISOString()),
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
 * Local cloud: `GET {AWS_ENDPOINT_URL}/_local/logs?correlationId=…&from=…&to=…`
 * → `{ lines: [{…Powertools JSON fields}] }`. The endpoint belongs to
 * packages/local (see its lambda runner); this is the contract we read.
 */
export function localLogs(endpoint: () => string): LogsPort {
  return {
    async byCorrelationId(correlationId, { from, to }) {
      const url = new URL("/_local/logs", endpoint());
      url.search = new URLSearchParams({ correlationId, from, to }).toString();
      const response = await fetch(url);
      if (!response.ok) throw new Error(`local logs query: HTTP ${response.status}`);
      const body = (await response.json()) as { lines?: Record<string, unknown>[] };
      return (body.lines ?? []).map(toLine).sort((a, b) => a.at.localeCompare(b.at));
    },
  };
}

/**
 * AWS: one Logs Insights query over every function's log group (the same query
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
            return toLine({ timestamp: cell("@timestamp"), logGroup: cell("@log"), ...fields });
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
