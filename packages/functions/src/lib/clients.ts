import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tracer } from "./observability";

// AWS SDK clients: module singletons (reused across warm invocations), each
// captured by the tracer so X-Ray shows every call. The SDK takes its endpoint
// from the environment itself (its standard endpoint variable, which the local
// cloud sets on every function), so no code here knows where it runs.

export const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
});
export const eventBridge = tracer.captureAWSv3Client(new EventBridgeClient({}));
export const stepFunctions = tracer.captureAWSv3Client(new SFNClient({}));
