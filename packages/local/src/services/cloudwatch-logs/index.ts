// Local Amazon CloudWatch Logs: the functions' log groups (one durable log store the
// Lambda runner writes), read through FilterLogEvents and Logs Insights queries.

export { type LogLine, type LogStore, openLogStore } from "./log-store";
export { cloudWatchLogsService } from "./operations";
export { type CloudWatchLogs, createCloudWatchLogs } from "./service";
