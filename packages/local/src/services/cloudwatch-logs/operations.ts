// CloudWatch Logs' operations on the shared protocol layer, each with the IAM
// action and resources AWS authorises it on.
import { type AwsService, jsonService, logGroupArn, parseArn, type Scope } from "../../protocol";
import type { CloudWatchLogs } from "./service";

/** StartQuery names its log groups by name, names, or identifiers (names or ARNs). */
function queriedGroups(scope: Scope, input: Record<string, unknown>): string[] {
  const names = [
    input.logGroupName,
    ...(Array.isArray(input.logGroupNames) ? input.logGroupNames : []),
    ...(Array.isArray(input.logGroupIdentifiers) ? input.logGroupIdentifiers : []),
  ].filter((n): n is string => typeof n === "string" && n.length > 0);
  const arns = names.map((n) => (parseArn(n) ? n.replace(/:\*$/, "") : logGroupArn(scope, n)));
  return arns.length ? [...new Set(arns)] : ["*"];
}

export function cloudWatchLogsService(
  logs: () => CloudWatchLogs | undefined,
  scope: Scope,
): AwsService {
  const everywhere = (action: string) => () => ({ action, resources: ["*"] });
  return jsonService({
    name: "logs",
    target: "Logs_20140328",
    version: "1.1",
    title: "CloudWatch Logs",
    // Its own message names the operations it has.
    answersUnknown: true,
    operations: {
      DescribeLogGroups: everywhere("logs:DescribeLogGroups"),
      StartQuery: (r) => ({
        action: "logs:StartQuery",
        resources: queriedGroups(scope, r.input ?? {}),
      }),
      GetQueryResults: everywhere("logs:GetQueryResults"),
      StopQuery: everywhere("logs:StopQuery"),
    },
    api: logs,
  });
}
