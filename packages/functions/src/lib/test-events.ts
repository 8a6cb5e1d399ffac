import { randomUUID } from "node:crypto";
import type { Context, SQSEvent } from "aws-lambda";
import type { HttpEvent } from "./http";

// Event builders for handler tests, shaped like API Gateway HTTP API payload
// 2.0 (with JWT authorizer claims) and SQS batches — what the local cloud sends.

export function httpEvent(input: {
  method?: string;
  path?: string;
  sub?: string;
  groups?: string[];
  headers?: Record<string, string>;
  body?: unknown;
  pathParameters?: Record<string, string>;
}): HttpEvent {
  const requestId = randomUUID();
  return {
    version: "2.0",
    routeKey: `${input.method ?? "POST"} ${input.path ?? "/api/orders"}`,
    rawPath: input.path ?? "/api/orders",
    rawQueryString: "",
    headers: { "content-type": "application/json", ...input.headers },
    body:
      input.body === undefined
        ? undefined
        : typeof input.body === "string"
          ? input.body
          : JSON.stringify(input.body),
    isBase64Encoded: false,
    pathParameters: input.pathParameters,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      requestId,
      routeKey: `${input.method ?? "POST"} ${input.path ?? "/api/orders"}`,
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: {
        method: input.method ?? "POST",
        path: input.path ?? "/api/orders",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "test",
      },
      authorizer: {
        principalId: "",
        integrationLatency: 0,
        jwt: {
          claims: {
            ...(input.sub ? { sub: input.sub } : {}),
            ...(input.groups ? { "cognito:groups": `[${input.groups.join(" ")}]` } : {}),
            scope: "orders/read orders/write",
          },
          scopes: ["orders/read", "orders/write"],
        },
      },
    },
  } as HttpEvent;
}

export function sqsEvent(
  bodies: unknown[],
  queueArn = "arn:aws:sqs:us-east-1:000000000000:PaymentQueue",
): SQSEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: typeof body === "string" ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.now()),
        SenderId: "test",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: "us-east-1",
    })),
  };
}

/** A Lambda context whose deadline is `remainingMs` from now. */
export function lambdaContext(functionName: string, remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "test",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
