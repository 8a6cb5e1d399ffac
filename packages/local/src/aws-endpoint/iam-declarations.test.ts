// Every request through :4566 reaches the IAM slot with the action and the
// resources AWS authorises it on: the declarations beside each operation.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeIntegrations } from "../../test/stepfunctions/test-harness";
import { ACCOUNT_ID, REGION } from "../config";
import { type AuthorizationRequest, AwsError, type AwsRequest } from "../protocol";
import { createCloudWatch } from "../services/cloudwatch";
import { createCloudWatchLogs, openLogStore } from "../services/cloudwatch-logs";
import { createEventBridge, type EventBridge } from "../services/eventbridge";
import { createStepFunctions, type StepFunctions } from "../services/stepfunctions";
import { type AwsEndpoint, createAwsEndpoint } from "./server";

const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`;
const IAM_PREFIX: Record<string, string> = {
  dynamodb: "dynamodb",
  sqs: "sqs",
  sns: "sns",
  events: "events",
  states: "states",
  logs: "logs",
  cloudwatch: "cloudwatch",
  lambda: "lambda",
  scheduler: "scheduler",
  pipes: "pipes",
};

let dir: string;
let eb: EventBridge;
let sfn: StepFunctions;
let endpoint: AwsEndpoint;
const fakes = fakeIntegrations();
const seen: AuthorizationRequest[] = [];
let closeLogs: () => void;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "iam-declarations-"));
  const never = () => new Promise<void>(() => {});
  eb = createEventBridge({
    dataDir: join(dir, "eb"),
    accountId: ACCOUNT_ID,
    region: REGION,
    deliver: { sqs: never, sns: never, stepFunctions: never, lambda: never },
  });
  sfn = createStepFunctions({
    dataDir: join(dir, "sfn"),
    accountId: ACCOUNT_ID,
    region: REGION,
    integrations: fakes.integrations,
  });
  const logs = openLogStore(join(dir, "logs"));
  closeLogs = () => logs.close();
  endpoint = await createAwsEndpoint({
    port: 0,
    // Nothing is forwarded: the authoriser below denies every call after recording it.
    dynamodb: { endpoint: "http://127.0.0.1:9" },
    sqsSns: { endpoint: "http://127.0.0.1:9" },
    eventBridge: eb,
    stepFunctions: sfn,
    cloudWatchLogs: createCloudWatchLogs({
      store: () => logs,
      functionNames: () => [],
      logGroupOf: (f) => `/aws/lambda/${f}`,
      accountId: ACCOUNT_ID,
      region: REGION,
    }),
    cloudWatch: createCloudWatch({ queue: () => undefined }),
    authorize(call) {
      seen.push(call);
      throw new AwsError("AccessDeniedException", `denied ${call.action}`, 403);
    },
    log: () => {},
  });
});

afterAll(async () => {
  await endpoint.close();
  await eb.close();
  await sfn.close();
  closeLogs();
  rmSync(dir, { recursive: true, force: true });
});

const signedFor = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDORDERS/20261206/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});
const signed = signedFor("x");

/** One call; the authoriser's view of it. */
async function authorised(init: { path?: string; headers: Record<string, string>; body: string }) {
  seen.length = 0;
  const res = await fetch(`${endpoint.url}${init.path ?? "/"}`, {
    method: "POST",
    headers: { ...signed, ...init.headers },
    body: init.body,
  });
  expect(res.status).toBe(403);
  expect(seen).toHaveLength(1);
  const { principal, action, resources, checks } = seen[0]!;
  return { principal, action, resources, ...(checks ? { checks } : {}) };
}
const json = (target: string, body: unknown) => ({
  headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.0" },
  body: JSON.stringify(body),
});

describe("the dispatch table's IAM declarations", () => {
  it("declare every operation our services implement, and nothing they do not", () => {
    const implemented: Record<string, readonly string[]> = {
      events: eb.operations,
      states: sfn.operations,
      logs: createCloudWatchLogs({
        store: () => undefined,
        functionNames: () => [],
        logGroupOf: (f) => f,
        accountId: ACCOUNT_ID,
        region: REGION,
      }).operations,
    };
    for (const service of endpoint.dispatcher.services) {
      if (implemented[service.name])
        expect(Object.keys(service.operations).sort()).toEqual(
          [...implemented[service.name]!].sort(),
        );
      for (const [operation, authorize] of Object.entries(service.operations)) {
        const out = authorize({ operation, input: {}, path: "/" } as unknown as AwsRequest);
        expect(out.action.split(":")[0]).toBe(IAM_PREFIX[service.name]);
        expect(out.resources.length).toBeGreaterThan(0);
      }
      // Forwarded engines declare any operation from the request.
      if (Object.keys(service.operations).length === 0) expect(service.authorizeAny).toBeDefined();
    }
  });

  it("events:PutEvents on each bus its entries name, with the caller's access key", async () => {
    expect(
      await authorised(
        json("AWSEvents.PutEvents", {
          Entries: [
            { Source: "a", DetailType: "b", Detail: "{}" },
            { Source: "a", DetailType: "b", Detail: "{}", EventBusName: "orders" },
          ],
        }),
      ),
    ).toEqual({
      principal: "AKIDORDERS",
      action: "events:PutEvents",
      resources: [arn("events", "event-bus/default"), arn("events", "event-bus/orders")],
    });
    expect(
      (await authorised(json("AWSEvents.PutRule", { Name: "r", EventBusName: "orders" })))
        .resources,
    ).toEqual([arn("events", "rule/orders/r")]);
  });

  it("events:StartReplay on the replay, the archive it reads and the bus it writes to", async () => {
    const archive = arn("events", "archive/orders-archive");
    const bus = arn("events", "event-bus/orders");
    expect(
      await authorised(
        json("AWSEvents.StartReplay", {
          ReplayName: "again",
          EventSourceArn: archive,
          Destination: { Arn: bus },
          EventStartTime: 0,
          EventEndTime: 1,
        }),
      ),
    ).toMatchObject({
      action: "events:StartReplay",
      resources: [arn("events", "replay/again"), archive, bus],
    });
  });

  it("states:StartExecution on the state machine, states:SendTaskSuccess on the machine that issued the token", async () => {
    const machine = arn("states", "stateMachine:callbacks");
    expect(
      await authorised(json("AWSStepFunctions.StartExecution", { stateMachineArn: machine })),
    ).toMatchObject({ action: "states:StartExecution", resources: [machine] });

    await sfn.handle("CreateStateMachine", {
      name: "callbacks",
      roleArn: "arn:aws:iam::000000000000:role/saga",
      definition: JSON.stringify({
        StartAt: "Wait",
        States: {
          Wait: {
            Type: "Task",
            Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Parameters: { QueueUrl: "q", "MessageBody.$": "$$.Task.Token" },
            End: true,
          },
        },
      }),
    });
    await sfn.handle("StartExecution", { stateMachineArn: machine, name: "one" });
    let token: string | undefined;
    for (let i = 0; i < 200 && !token; i++) {
      token = fakes.calls.find((c) => c.service === "sqs")?.params.MessageBody as
        | string
        | undefined;
      if (!token) await new Promise((r) => setTimeout(r, 10));
    }
    expect(token).toBeDefined();
    expect(
      await authorised(
        json("AWSStepFunctions.SendTaskSuccess", { taskToken: token, output: "{}" }),
      ),
    ).toMatchObject({ action: "states:SendTaskSuccess", resources: [machine] });
  });

  it("logs:StartQuery on its log groups, cloudwatch:GetMetricData on *", async () => {
    expect(
      await authorised(
        json("Logs_20140328.StartQuery", { logGroupNames: ["/aws/lambda/a", "/aws/lambda/b"] }),
      ),
    ).toMatchObject({
      action: "logs:StartQuery",
      resources: [arn("logs", "log-group:/aws/lambda/a"), arn("logs", "log-group:/aws/lambda/b")],
    });
    expect(await authorised(json("GraniteServiceVersion20100801.GetMetricData", {}))).toMatchObject(
      { action: "cloudwatch:GetMetricData", resources: ["*"] },
    );
  });

  it("pipes:CreatePipe on the pipe, passing its role; pipes:StartPipe on the pipe", async () => {
    const role = `arn:aws:iam::${ACCOUNT_ID}:role/orders-pipe`;
    const pipe = arn("pipes", "pipe/status-changes");
    expect(
      await authorised({
        path: "/v1/pipes/status-changes",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ RoleArn: role, Source: "s", Target: "t" }),
      }),
    ).toMatchObject({
      action: "pipes:CreatePipe",
      resources: [pipe],
      checks: [
        { action: "pipes:CreatePipe", resource: pipe },
        { action: "iam:PassRole", resource: role },
      ],
    });
    expect(
      await authorised({ path: "/v1/pipes/status-changes/start", headers: {}, body: "" }),
    ).toMatchObject({ action: "pipes:StartPipe", resources: [pipe] });
  });

  it("forwarded DynamoDB: each item of a transaction as its item action on its table, the index of a GSI query", async () => {
    expect(
      await authorised(
        json("DynamoDB_20120810.TransactWriteItems", {
          TransactItems: [
            { Put: { TableName: "Orders", Item: {} } },
            { Update: { TableName: "Inventory", Key: {} } },
            { ConditionCheck: { TableName: "Orders", Key: {} } },
            { Delete: { TableName: "Orders", Key: {} } },
          ],
        }),
      ),
    ).toMatchObject({
      action: "dynamodb:TransactWriteItems",
      resources: [arn("dynamodb", "table/Orders"), arn("dynamodb", "table/Inventory")],
      checks: [
        { action: "dynamodb:PutItem", resource: arn("dynamodb", "table/Orders") },
        { action: "dynamodb:UpdateItem", resource: arn("dynamodb", "table/Inventory") },
        { action: "dynamodb:ConditionCheckItem", resource: arn("dynamodb", "table/Orders") },
        { action: "dynamodb:DeleteItem", resource: arn("dynamodb", "table/Orders") },
      ],
    });
    expect(
      (
        await authorised(
          json("DynamoDB_20120810.TransactGetItems", {
            TransactItems: [{ Get: { TableName: "Orders", Key: {} } }],
          }),
        )
      ).checks,
    ).toEqual([{ action: "dynamodb:GetItem", resource: arn("dynamodb", "table/Orders") }]);
    expect(
      await authorised(
        json("DynamoDB_20120810.BatchWriteItem", {
          RequestItems: { Orders: [], Inventory: [] },
        }),
      ),
    ).toMatchObject({
      action: "dynamodb:BatchWriteItem",
      resources: [arn("dynamodb", "table/Orders"), arn("dynamodb", "table/Inventory")],
    });
    // DynamoDB Local's stream ARNs carry its own region; a shard iterator starts with the stream's ARN.
    const local =
      "arn:aws:dynamodb:ddblocal:000000000000:table/Orders/stream/2026-12-06T06:17:30.613";
    const stream = arn("dynamodb", "table/Orders/stream/2026-12-06T06:17:30.613");
    expect(
      await authorised(json("DynamoDBStreams_20120810.DescribeStream", { StreamArn: local })),
    ).toMatchObject({ action: "dynamodb:DescribeStream", resources: [stream] });
    expect(
      await authorised(
        json("DynamoDBStreams_20120810.GetRecords", { ShardIterator: `${local}|001|c2hhcmQ=` }),
      ),
    ).toMatchObject({ action: "dynamodb:GetRecords", resources: [stream] });
    expect(
      await authorised(
        json("DynamoDB_20120810.Query", { TableName: "Orders", IndexName: "byStatus" }),
      ),
    ).toMatchObject({
      action: "dynamodb:Query",
      resources: [arn("dynamodb", "table/Orders/index/byStatus")],
    });
  });

  it("forwarded SQS (JSON and query) on the queue of its QueueUrl; SNS on its topic; Lambda on the function", async () => {
    expect(
      await authorised(
        json("AmazonSQS.SendMessage", {
          QueueUrl: `${endpoint.url}/${ACCOUNT_ID}/orders-dlq`,
          MessageBody: "x",
        }),
      ),
    ).toMatchObject({ action: "sqs:SendMessage", resources: [arn("sqs", "orders-dlq")] });
    // IAM has no batch actions: a batch is authorised as its single-message action.
    expect(
      await authorised(
        json("AmazonSQS.DeleteMessageBatch", {
          QueueUrl: `${endpoint.url}/${ACCOUNT_ID}/work`,
          Entries: [],
        }),
      ),
    ).toMatchObject({ action: "sqs:DeleteMessage", resources: [arn("sqs", "work")] });
    expect(
      await authorised({
        headers: { "content-type": "application/x-www-form-urlencoded", ...signedFor("sqs") },
        body: new URLSearchParams({
          Action: "ReceiveMessage",
          QueueUrl: `${endpoint.url}/${ACCOUNT_ID}/work`,
        }).toString(),
      }),
    ).toMatchObject({ action: "sqs:ReceiveMessage", resources: [arn("sqs", "work")] });
    expect(
      await authorised({
        // Unsigned: a query call no other service claims is SNS's.
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: "" },
        body: new URLSearchParams({ Action: "Publish", TopicArn: arn("sns", "orders") }).toString(),
      }),
    ).toMatchObject({ action: "sns:Publish", resources: [arn("sns", "orders")] });
    expect(
      await authorised({
        path: "/2015-03-31/functions/Ingress/invocations",
        headers: {},
        body: "{}",
      }),
    ).toMatchObject({
      action: "lambda:InvokeFunction",
      resources: [arn("lambda", "function:Ingress")],
    });
  });
});
