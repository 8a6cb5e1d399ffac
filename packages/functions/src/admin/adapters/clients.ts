import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { tracer } from "../../lib/observability";

// The clients only the admin API needs, as module singletons captured by the
// shared tracer (DynamoDB, EventBridge and Step Functions come from lib/clients).
export const sqs = tracer.captureAWSv3Client(new SQSClient({}));
export const cloudWatch = tracer.captureAWSv3Client(new CloudWatchClient({}));
export const cloudWatchLogs = tracer.captureAWSv3Client(new CloudWatchLogsClient({}));
