import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { fakeCredentials, REGION } from "./config";
import { waitFor } from "./engines/ports";
import { deployment } from "./graph";

// Conformance of the local cloud through real AWS SDK v3 clients and the AWS
// CLI against its one endpoint: SQS mappings (visibility, redrive, partial
// batch failures, maximum concurrency), SNS filter policies, the stream
// mapping's bisect and on-failure destination, DLQ redrive, bad input — and
// SIGKILL of the whole cloud with messages in flight.

const fixture = (name: string) =>
  join(import.meta.dirname, "../test/lambda/fixtures", `${name}.handler`);
const run = `run-${Date.now()}`;
let dir: string;
let cloud: LocalCloud;
let sqs: SQSClient;
let sns: SNSClient;
let ddb: DynamoDBClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "local-cloud-"));
  cloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    mappings: false,
    hotReload: false,
    extraFunctions: [
      {
        name: "SqsConsumer",
        handler: fixture("sqs-consumer"),
        timeoutSeconds: 10,
        memoryMb: 128,
        concurrency: 6,
      },
      {
        name: "StreamConsumer",
        handler: fixture("stream-consumer"),
        timeoutSeconds: 10,
        memoryMb: 128,
      },
    ],
  });
  const config = { endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials };
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
  ddb = new DynamoDBClient(config);
});

afterAll(async () => {
  sqs?.destroy();
  sns?.destroy();
  ddb?.destroy();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
async function queue(name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  return QueueUrl!;
}
async function depth(url: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}
const seen = (correlation: string) =>
  cloud.runner.logs
    .logsByCorrelationId(correlation)
    .filter((l) => l.stream !== "platform")
    .map(
      (l) =>
        JSON.parse(l.message) as {
          seen?: string;
          span?: { start: number; end: number };
          handled?: string;
        },
    );
async function drain(url: string) {
  const bodies: string[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
    );
    if (!out.Messages?.length) return bodies;
    bodies.push(...out.Messages.map((m) => m.Body!));
  }
}

describe("SQS → Lambda mapping", () => {
  it("deletes only the successes of a partial batch; failures reappear after the visibility timeout and are redriven to the DLQ", async () => {
    const dlq = await queue("PartialDlq");
    const url = await queue("Partial", {
      // Longer than a batch takes, so only failures come back.
      VisibilityTimeout: "4",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("PartialDlq"), maxReceiveCount: 2 }),
    });
    const id = `${run}-partial`;
    const ids = ["a", "b", "c", "d", "e"];
    for (const m of ids) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify({ run: id, id: m, fail: m === "b" || m === "d" }),
        }),
      );
    }
    const mapping = cloud.addSqsMapping({
      queueName: "Partial",
      functionName: "SqsConsumer",
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
      waitTimeSeconds: 1,
    });
    try {
      await waitFor("failures redriven to the DLQ", async () => (await depth(dlq)).visible === 2, {
        timeoutMs: 30_000,
      });
      await waitFor("source queue empty", async () => {
        const d = await depth(url);
        return d.visible === 0 && d.inFlight === 0;
      });
    } finally {
      await mapping.stop();
    }
    const counts = new Map<string, number>();
    for (const line of seen(id))
      if (line.seen) counts.set(line.seen, (counts.get(line.seen) ?? 0) + 1);
    // Successes once; each failure exactly maxReceiveCount times.
    expect(Object.fromEntries(counts)).toEqual({ a: 1, b: 2, c: 1, d: 2, e: 1 });

    // DLQ redrive: StartMessageMoveTask moves them back to the source (from its RedrivePolicy).
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: arn("PartialDlq") }),
    );
    expect(TaskHandle).toBeTruthy();
    await waitFor("move task completed", async () => {
      const { Results = [] } = await sqs.send(
        new ListMessageMoveTasksCommand({ SourceArn: arn("PartialDlq") }),
      );
      return Results[0]?.Status === "COMPLETED";
    });
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: arn("PartialDlq") }),
    );
    expect(Results[0]).toMatchObject({
      Status: "COMPLETED",
      ApproximateNumberOfMessagesMoved: 2,
      DestinationArn: arn("Partial"),
    });
    expect(await depth(dlq)).toEqual({ visible: 0, inFlight: 0 });
    // A long poll the stopped mapping had open may hold them for one visibility timeout.
    const moved: string[] = [];
    await waitFor("redriven messages back on the source queue", async () => {
      moved.push(...(await drain(url)).map((b) => (JSON.parse(b) as { id: string }).id));
      return moved.length >= 2;
    });
    expect(moved.sort()).toEqual(["b", "d"]);
    // A queue that is nobody's DLQ cannot be redriven without a destination.
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("Partial") })),
    ).rejects.toThrow(/not a dead-letter queue/);
  });

  it("never has more batches in flight than MaximumConcurrency", async () => {
    const url = await queue("Concurrency", { VisibilityTimeout: "30" });
    const id = `${run}-concurrency`;
    for (let i = 0; i < 8; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify({ run: id, id: `m${i}`, ms: 150 }),
        }),
      );
    }
    const mapping = cloud.addSqsMapping({
      queueName: "Concurrency",
      functionName: "SqsConsumer",
      batchSize: 1,
      maxConcurrency: 2,
      waitTimeSeconds: 1,
    });
    try {
      await waitFor("all handled", async () => seen(id).filter((l) => l.seen).length === 8, {
        timeoutMs: 30_000,
      });
    } finally {
      await mapping.stop();
    }
    const spans = seen(id).flatMap((l) => (l.span ? [l.span] : []));
    const overlap = Math.max(
      ...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length),
    );
    expect(overlap).toBeLessThanOrEqual(2);
  });
});

describe("SNS filter policies", () => {
  it("deliver by message attributes and by message body (raw delivery)", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "FilterTest" }));
    const byAttribute = await queue("FilterByAttribute");
    const byBody = await queue("FilterByBody");
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: arn("FilterByAttribute"),
        Attributes: {
          RawMessageDelivery: "true",
          FilterPolicy: JSON.stringify({ channel: ["email"] }),
        },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: arn("FilterByBody"),
        Attributes: {
          RawMessageDelivery: "true",
          FilterPolicyScope: "MessageBody",
          FilterPolicy: JSON.stringify({ detail: { status: ["FULFILLED"] } }),
        },
      }),
    );
    const publish = (message: object, channel?: string) =>
      sns.send(
        new PublishCommand({
          TopicArn,
          Message: JSON.stringify(message),
          ...(channel
            ? { MessageAttributes: { channel: { DataType: "String", StringValue: channel } } }
            : {}),
        }),
      );
    await publish({ n: 1, detail: { status: "FULFILLED" } }, "email");
    await publish({ n: 2, detail: { status: "CANCELLED" } }, "email");
    await publish({ n: 3, detail: { status: "FULFILLED" } }, "sms");
    await publish({ n: 4, detail: { status: "ACCEPTED" } });
    const numbers = async (url: string) =>
      (await drain(url)).map((b) => (JSON.parse(b) as { n: number }).n).sort();
    expect(await numbers(byAttribute)).toEqual([1, 2]);
    expect(await numbers(byBody)).toEqual([1, 3]);
  });
});

describe("DynamoDB Streams → Lambda mapping", () => {
  it("bisects a failing batch, sends only the poison record to the on-failure destination, and moves on", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "StreamTest",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    const failures = await queue("StreamTestFailures");
    const id = `${run}-stream`;
    const item = (pk: string, poison = false) => ({
      pk: { S: pk },
      run: { S: id },
      poison: { BOOL: poison },
    });
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          StreamTest: ["s1", "s2", "s3", "bad", "s4", "s5"].map((pk) => ({
            PutRequest: { Item: item(pk, pk === "bad") },
          })),
        },
      }),
    );
    const mapping = cloud.addStreamMapping({
      name: "StreamTest",
      tableName: "StreamTest",
      functionName: "StreamConsumer",
      batchSize: 10,
      maximumRetryAttempts: 4,
      bisectBatchOnFunctionError: true,
      onFailureQueue: "StreamTestFailures",
    });
    try {
      await waitFor(
        "poison record sent to the on-failure destination",
        async () => (await depth(failures)).visible === 1,
        { timeoutMs: 30_000 },
      );
      await ddb.send(new PutItemCommand({ TableName: "StreamTest", Item: item("after") }));
      await waitFor("later records still flow", async () =>
        seen(id).some((l) => l.handled === "after"),
      );
    } finally {
      await mapping.stop();
    }
    const handled = new Set(seen(id).flatMap((l) => (l.handled ? [l.handled] : [])));
    expect([...handled].sort()).toEqual(["after", "s1", "s2", "s3", "s4", "s5"]);
    const [record] = await drain(failures);
    const failure = JSON.parse(record!) as {
      requestContext: { condition: string; functionArn: string };
      DDBStreamBatchInfo: {
        batchSize: number;
        startSequenceNumber: string;
        endSequenceNumber: string;
        streamArn: string;
      };
    };
    expect(failure.requestContext).toMatchObject({
      condition: "RetryAttemptsExhausted",
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:StreamConsumer",
    });
    expect(failure.DDBStreamBatchInfo.batchSize).toBe(1);
    expect(failure.DDBStreamBatchInfo.startSequenceNumber).toBe(
      failure.DDBStreamBatchInfo.endSequenceNumber,
    );
    expect(failure.DDBStreamBatchInfo.streamArn).toContain("table/StreamTest/stream/");
  });

  it("with FilterCriteria, invokes only for matching records and passes over the others", async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: "StreamFilterTest",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    await queue("StreamFilterTestFailures");
    const id = `${run}-filter`;
    const item = (pk: string, kind: string) => ({
      pk: { S: pk },
      run: { S: id },
      poison: { BOOL: false },
      kind: { S: kind },
    });
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          StreamFilterTest: [
            ["skip-1", "other"],
            ["keep-1", "wanted"],
            ["skip-2", "other"],
            ["keep-2", "wanted"],
          ].map(([pk, kind]) => ({ PutRequest: { Item: item(pk!, kind!) } })),
        },
      }),
    );
    const mapping = cloud.addStreamMapping({
      name: "StreamFilterTest",
      tableName: "StreamFilterTest",
      functionName: "StreamConsumer",
      batchSize: 10,
      onFailureQueue: "StreamFilterTestFailures",
      // Lambda's filter syntax for a stream record: attribute values keep their type keys.
      filters: [{ eventName: ["INSERT"], dynamodb: { NewImage: { kind: { S: ["wanted"] } } } }],
    });
    try {
      await waitFor("the matching records", async () => {
        const handled = seen(id).map((l) => l.handled);
        return handled.includes("keep-1") && handled.includes("keep-2");
      });
      // Written after the others: once it is handled, every earlier record was decided on.
      await ddb.send(
        new PutItemCommand({ TableName: "StreamFilterTest", Item: item("keep-last", "wanted") }),
      );
      await waitFor("a later matching record", async () =>
        seen(id).some((l) => l.handled === "keep-last"),
      );
    } finally {
      await mapping.stop();
    }
    const handled = new Set(seen(id).flatMap((l) => (l.handled ? [l.handled] : [])));
    expect([...handled].sort()).toEqual(["keep-1", "keep-2", "keep-last"]);
  });
});

describe("AWS CLI against the endpoint", () => {
  const cli = existsSync("/usr/bin/aws") ? "/usr/bin/aws" : "aws";
  const aws = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      cli,
      ["--endpoint-url", cloud.urls.aws, "--region", REGION, "--output", "json", ...args],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "local",
          AWS_SECRET_ACCESS_KEY: "local",
          AWS_PAGER: "",
        },
      },
    );
    return JSON.parse(stdout || "{}") as Record<string, unknown>;
  };

  it("lists tables, queues and topics under the graph's physical names and sends a message (SQS over the query protocol)", async () => {
    const d = deployment();
    expect((await aws("dynamodb", "list-tables")).TableNames).toEqual(
      expect.arrayContaining([d.tables.OrdersTable.name, d.tables.InventoryTable.name]),
    );
    expect(d.tables.OrdersTable.name).toMatch(/^orders-local-OrdersTableTable-/);
    const queues = (await aws("sqs", "list-queues")).QueueUrls as string[];
    expect(queues).toContain(`${cloud.urls.aws}/000000000000/${d.queues.PaymentQueue.name}`);
    const url = await queue("CliQueue");
    const sent = await aws(
      "sqs",
      "send-message",
      "--queue-url",
      url,
      "--message-body",
      "from the cli",
    );
    expect(sent.MessageId).toBeTruthy();
    expect(await drain(url)).toEqual(["from the cli"]);
    expect((await aws("sns", "list-topics")).Topics).toEqual(
      expect.arrayContaining([{ TopicArn: d.topics.NotificationsTopic.arn }]),
    );
  });
});

describe("bad input", () => {
  const post = (headers: Record<string, string>, body: string) =>
    fetch(cloud.urls.aws, {
      method: "POST",
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/${headers["x-amz-target"]?.startsWith("Dynamo") ? "dynamodb" : "sqs"}/aws4_request, SignedHeaders=host, Signature=0`,
        ...headers,
      },
      body,
    }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));

  it("gets AWS-shaped errors and changes nothing", async () => {
    const url = await queue("BadInput");
    const malformed = await post(
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.SendMessage" },
      "{not json",
    );
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).__type).toMatch(/SerializationException/);
    const unknown = await post(
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.FlyToTheMoon" },
      "{}",
    );
    expect(JSON.parse(unknown.text).__type).toMatch(/InvalidAction/);
    const unknownService = await post(
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "Nope_2020.Do" },
      "{}",
    );
    expect(JSON.parse(unknownService.text).__type).toBe("UnknownOperationException");
    const query = await post(
      { "content-type": "application/x-www-form-urlencoded" },
      "Action=FlyToTheMoon&QueueUrl=x",
    );
    expect(query.text).toMatch(/<ErrorResponse[\s\S]*<Code>InvalidAction<\/Code>/);
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1024 * 1024 + 1) })),
    ).rejects.toThrow();
    await expect(
      sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: undefined as unknown as string }),
      ),
    ).rejects.toThrow();
    const ddbMalformed = await post(
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem" },
      "{",
    );
    expect(ddbMalformed.status).toBe(400);
    expect(JSON.parse(ddbMalformed.text).__type).toMatch(/SerializationException/);
    expect(await depth(url)).toEqual({ visible: 0, inFlight: 0 });
    const lambda = new LambdaClient({
      endpoint: cloud.urls.aws,
      region: REGION,
      credentials: fakeCredentials,
    });
    await expect(lambda.send(new InvokeCommand({ FunctionName: "Missing" }))).rejects.toMatchObject(
      { name: "ResourceNotFoundException" },
    );
    lambda.destroy();
    const events = await post(
      { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSEvents.PutEvents" },
      "{",
    );
    expect(JSON.parse(events.text).__type).toMatch(/SerializationException/);
  });

  it("answers the health endpoint with every component ready", async () => {
    const res = await fetch(`${cloud.urls.web}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      components: Record<string, { ready: boolean }>;
    };
    expect(body.status).toBe("ready");
    expect(Object.keys(body.components)).toEqual(
      expect.arrayContaining(["dynamodb", "sqs-sns", "eventbridge", "stepfunctions", "lambda"]),
    );
  });
});

describe("SIGKILL of the local cloud", () => {
  it("delivers every accepted message after a restart, and never again one a handler acknowledged", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "local-kill-"));
    const records = join(dataDir, "records.log");
    writeFileSync(records, "");
    const children: ChildProcess[] = [];
    const start = async () => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          join(import.meta.dirname, "../test/cloud/kill-child.ts"),
          dataDir,
          records,
        ],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      children.push(child);
      const line = await new Promise<string>((done, fail) => {
        createInterface({ input: child.stdout! }).on(
          "line",
          (l) => l.startsWith("READY ") && done(l),
        );
        child.once("exit", (code) => fail(new Error(`cloud child exited (${code})`)));
      });
      return { child, aws: line.split(" ")[1]! };
    };
    const kill = async (child: ChildProcess) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    };
    try {
      const first = await start();
      const client = new SQSClient({
        endpoint: first.aws,
        region: REGION,
        credentials: fakeCredentials,
      });
      const url = `${first.aws}/000000000000/KillTest`;
      const ids = Array.from({ length: 30 }, (_, i) => `k${i}`);
      for (const id of ids)
        await client.send(
          new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ id, ms: 40 }) }),
        );
      client.destroy();
      const lines = () => readFileSync(records, "utf8").split("\n").filter(Boolean);
      await waitFor("some messages handled", async () => lines().length >= 8, {
        timeoutMs: 30_000,
      });
      await kill(first.child);

      // What the queue still holds is what no handler acknowledged.
      const db = new DatabaseSync(join(dataDir, "sqs-sns/fauxqs.db"));
      const remaining = new Set(
        (
          db.prepare("SELECT body FROM sqs_messages WHERE queue_name = 'KillTest'").all() as Array<{
            body: string;
          }>
        ).map((r) => (JSON.parse(r.body) as { id: string }).id),
      );
      db.close();
      const acknowledged = ids.filter((id) => !remaining.has(id));
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(remaining.size).toBeGreaterThan(0);
      const before = lines().length;

      await start();
      await waitFor(
        "every remaining message delivered",
        async () => {
          const after = new Set(lines().slice(before));
          return [...remaining].every((id) => after.has(id));
        },
        { timeoutMs: 60_000 },
      );
      const redelivered = new Set(lines().slice(before));
      expect(acknowledged.filter((id) => redelivered.has(id))).toEqual([]);
      expect(new Set(lines())).toEqual(new Set(ids));
    } finally {
      for (const child of children) await kill(child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
