import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

// Module-level singletons, reused across invocations. The SDK reads
// AWS_ENDPOINT_URL itself, so locally every client reaches :4566.
export const sqs = new SQSClient({});
export const sfn = new SFNClient({});
export const eventBridge = new EventBridgeClient({});
export const cloudWatch = new CloudWatchClient({});
export const cloudWatchLogs = new CloudWatchLogsClient({});
export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
