// A denied call answers in each service's own error shape, through the real
// AWS SDK v3 clients (and, for SQS's query protocol, Debian's AWS CLI), with
// AWS's message naming principal, action and resource. Only the caller's key
// differs from an allowed call: the evaluator sits in the endpoint's middleware.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli } from "../../test/aws-cli";
import { type AwsEndpoint, createAwsEndpoint } from "../aws-endpoint/server";
import { ACCOUNT_ID, REGION } from "../config";
import type { GraphResource } from "../graph";
import { decodeCbor, encodeCbor } from "../protocol";
import { createEventBridge, type EventBridge } from "../services/eventbridge";
import { createIam, type Iam } from "./index";

const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`;
const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/orders-local-NotifierRole-abc`;
const session = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/orders-local-NotifierRole-abc/orders-local-NotifierFunction-xyz`;

/** One function, Notifier, whose role may only list rules. */
const graph: GraphResource[] = [
  {
    type: "aws:iam/role:Role",
    name: "NotifierRole",
    parent: "Notifier",
    inputs: {
      inlinePolicies: [
        {
          name: "inline",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "events:ListRules", Resource: "*" }],
          }),
        },
      ],
    },
    outputs: { arn: roleArn, name: "orders-local-NotifierRole-abc" },
  },
  {
    type: "aws:lambda/function:Function",
    name: "NotifierFunction",
    parent: "Notifier",
    inputs: { name: "orders-local-NotifierFunction-xyz", role: roleArn },
    outputs: { arn: arn("lambda", "function:orders-local-NotifierFunction-xyz") },
  },
];

let dir: string;
let eb: EventBridge;
let iam: Iam;
let endpoint: AwsEndpoint;
const denials: Record<string, unknown>[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "iam-denials-"));
  const never = () => new Promise<void>(() => {});
  eb = createEventBridge({
    dataDir: join(dir, "eb"),
    accountId: ACCOUNT_ID,
    region: REGION,
    deliver: { sqs: never, sns: never, stepFunctions: never, lambda: never },
  });
  iam = createIam({
    resources: graph,
    enforce: true,
    usageDir: join(dir, "usage"),
    log: (line) => denials.push(JSON.parse(line)),
  });
  endpoint = await createAwsEndpoint({
    port: 0,
    // A denied call never reaches an engine: closed ports answer any that would.
    dynamodb: { endpoint: "http://127.0.0.1:9" },
    sqsSns: { endpoint: "http://127.0.0.1:9" },
    eventBridge: eb,
    authorize: iam.authorizer,
    log: () => {},
  });
});

afterAll(async () => {
  await endpoint?.close();
  await eb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const as = (accessKeyId: string) => ({
  endpoint: endpoint.url,
  region: REGION,
  credentials: { accessKeyId, secretAccessKey: "any" },
  maxAttempts: 1,
});
const notifier = () => as("fnNotifier");

/** The error a call fails with: SDK name, HTTP status, message. */
async function failure(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
  expect(error, "the call was allowed").toBeDefined();
  return { name: error!.name, status: error!.$metadata?.httpStatusCode, message: error!.message };
}
const implicit = (action: string, resource?: string) =>
  `User: ${session} is not authorized to perform: ${action}${resource ? ` on resource: ${resource}` : ""} because no identity-based policy allows the ${action} action`;

describe("a function's denied call, through the AWS SDK v3", () => {
  it("is allowed where its role grants the action (and the endpoint serves it)", async () => {
    const out = await new EventBridgeClient(notifier()).send(new ListRulesCommand({}));
    expect(out.Rules).toEqual([]);
  });

  it("DynamoDB: AccessDeniedException (400); a transaction names the first item action refused", async () => {
    const table = arn("dynamodb", "table/orders-local-Orders");
    const client = new DynamoDBClient(notifier());
    expect(
      await failure(
        client.send(
          new GetItemCommand({ TableName: "orders-local-Orders", Key: { pk: { S: "a" } } }),
        ),
      ),
    ).toEqual({
      name: "AccessDeniedException",
      status: 400,
      message: implicit("dynamodb:GetItem", table),
    });
    expect(
      (
        await failure(
          client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: "orders-local-Orders", Item: { pk: { S: "a" } } } },
              ],
            }),
          ),
        )
      ).message,
    ).toBe(implicit("dynamodb:PutItem", table));
  });

  it("SQS (JSON protocol): AccessDenied (403), the action spelled as SQS spells it", async () => {
    const queue = arn("sqs", "orders-local-Payment");
    expect(
      await failure(
        new SQSClient(notifier()).send(
          new SendMessageCommand({
            QueueUrl: `${endpoint.url}/${ACCOUNT_ID}/orders-local-Payment`,
            MessageBody: "x",
          }),
        ),
      ),
    ).toEqual({ name: "AccessDenied", status: 403, message: implicit("sqs:sendmessage", queue) });
  });

  it("SNS: AuthorizationError (403)", async () => {
    const topic = arn("sns", "orders-local-Notifications");
    expect(
      await failure(
        new SNSClient(notifier()).send(new PublishCommand({ TopicArn: topic, Message: "x" })),
      ),
    ).toEqual({
      name: "AuthorizationErrorException",
      status: 403,
      message: implicit("SNS:Publish", topic),
    });
  });

  it("EventBridge, Step Functions, CloudWatch Logs: AccessDeniedException (400)", async () => {
    expect(
      await failure(
        new EventBridgeClient(notifier()).send(
          new PutEventsCommand({
            Entries: [{ Source: "a", DetailType: "b", Detail: "{}", EventBusName: "orders" }],
          }),
        ),
      ),
    ).toEqual({
      name: "AccessDeniedException",
      status: 400,
      message: implicit("events:PutEvents", arn("events", "event-bus/orders")),
    });
    const saga = arn("states", "stateMachine:orders-local-FulfillmentSaga");
    expect(
      await failure(
        new SFNClient(notifier()).send(new ListExecutionsCommand({ stateMachineArn: saga })),
      ),
    ).toEqual({
      name: "AccessDeniedException",
      status: 400,
      message: implicit("states:ListExecutions", saga),
    });
    expect(
      await failure(
        new CloudWatchLogsClient(notifier()).send(
          new StartQueryCommand({
            logGroupName: "/aws/lambda/orders-local-Ingress",
            startTime: 0,
            endTime: 1,
            queryString: "fields @message",
          }),
        ),
      ),
    ).toEqual({
      name: "AccessDeniedException",
      status: 400,
      message: implicit(
        "logs:StartQuery",
        arn("logs", "log-group:/aws/lambda/orders-local-Ingress"),
      ),
    });
  });

  it("Lambda: AccessDeniedException (403); CloudWatch: AccessDenied (403)", async () => {
    const fn = arn("lambda", "function:orders-local-Ingress");
    expect(
      await failure(
        new LambdaClient(notifier()).send(
          new InvokeCommand({ FunctionName: "orders-local-Ingress" }),
        ),
      ),
    ).toEqual({
      name: "AccessDeniedException",
      status: 403,
      message: implicit("lambda:InvokeFunction", fn),
    });
    expect(
      await failure(
        new CloudWatchClient(notifier()).send(
          new GetMetricDataCommand({
            MetricDataQueries: [],
            StartTime: new Date(0),
            EndTime: new Date(1),
          }),
        ),
      ),
    ).toEqual({ name: "AccessDenied", status: 403, message: implicit("cloudwatch:GetMetricData") });
  });

  it("CloudWatch over Smithy RPC v2 CBOR (newer botocore): a CBOR error body", async () => {
    const res = await fetch(
      `${endpoint.url}/service/GraniteServiceVersion20100801/operation/GetMetricData`,
      {
        method: "POST",
        headers: {
          "content-type": "application/cbor",
          "smithy-protocol": "rpc-v2-cbor",
          authorization: `AWS4-HMAC-SHA256 Credential=fnNotifier/20261206/${REGION}/monitoring/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: new Uint8Array(encodeCbor({})),
      },
    );
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/cbor");
    expect(res.headers.get("x-amzn-query-error")).toBe("AccessDenied;Sender");
    expect(decodeCbor(Buffer.from(await res.arrayBuffer()))).toEqual({
      __type: "AccessDenied",
      message: implicit("cloudwatch:GetMetricData"),
    });
  });

  it("each denial is logged with the principal, function, action, resource and correlation id", () => {
    expect(denials).toContainEqual(
      expect.objectContaining({
        msg: "AccessDenied",
        principal: "fnNotifier",
        principalArn: session,
        function: "Notifier",
        action: "sqs:SendMessage",
        resource: arn("sqs", "orders-local-Payment"),
        correlationId: expect.any(String),
      }),
    );
  });

  it("any other key is the administrator: the same call passes IAM (and reaches the engine)", async () => {
    const error = await failure(
      new SQSClient({ ...as("AKIDADMIN"), maxAttempts: 1 }).send(
        new SendMessageCommand({
          QueueUrl: `${endpoint.url}/${ACCOUNT_ID}/orders-local-Payment`,
          MessageBody: "x",
        }),
      ),
    );
    expect(error.name).not.toBe("AccessDenied");
  });
});

describe("SQS's query protocol, through Debian's AWS CLI", () => {
  it("answers <Code>AccessDenied</Code> with AWS's message", async () => {
    const cli = awsCli(() => endpoint.url, REGION, "fnNotifier");
    try {
      const out = await cli.run(
        "sqs",
        "send-message",
        "--queue-url",
        `${endpoint.url}/${ACCOUNT_ID}/orders-local-Payment`,
        "--message-body",
        "x",
      );
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain(
        "An error occurred (AccessDenied) when calling the SendMessage operation",
      );
      expect(out.stderr).toContain(implicit("sqs:sendmessage", arn("sqs", "orders-local-Payment")));
    } finally {
      cli.close();
    }
  });
});
