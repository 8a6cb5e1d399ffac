// The local Pipes through @aws-sdk/client-pipes and Debian's AWS CLI, with real
// sources and targets behind one endpoint (packages/local/test/pipes/harness.ts):
// DynamoDB Local streams, fauxqs queues, our EventBridge, Lambda functions.
import { PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreatePipeCommand,
  DeletePipeCommand,
  DescribePipeCommand,
  ListPipesCommand,
  NotFoundException,
  StartPipeCommand,
  StopPipeCommand,
  UpdatePipeCommand,
  ValidationException,
} from "@aws-sdk/client-pipes";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli } from "../../../test/aws-cli";
import {
  ACCOUNT_ID,
  eventually,
  type PipesHarness,
  ROLE,
  startPipesHarness,
} from "../../../test/pipes/harness";

let h: PipesHarness;
beforeAll(async () => {
  h = await startPipesHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${name}`;
const busArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/${name}`;
const settled = (name: string, state: string) =>
  eventually(async () => {
    const p = await h.client.send(new DescribePipeCommand({ Name: name }));
    return p.CurrentState === state ? p : undefined;
  });
/** Waits until `n` messages have arrived on the queue (deleting them). */
async function receive(url: string, n: number) {
  const got: string[] = [];
  await eventually(async () => {
    got.push(...(await h.drain(url)).map((m) => m.Body!));
    return got.length >= n ? true : undefined;
  });
  return got;
}

describe("the Pipes API", () => {
  it("creates a pipe CREATING that settles RUNNING, describes, lists, updates, stops, starts and deletes it", async () => {
    const source = await h.createQueue("api-source");
    const target = await h.createQueue("api-target");
    const created = await h.client.send(
      new CreatePipeCommand({
        Name: "api-pipe",
        Source: source.arn,
        Target: target.arn,
        RoleArn: ROLE,
        Description: "first",
        Tags: { team: "orders" },
      }),
    );
    expect(created).toMatchObject({
      Name: "api-pipe",
      Arn: `arn:aws:pipes:us-east-1:${ACCOUNT_ID}:pipe/api-pipe`,
      DesiredState: "RUNNING",
      CurrentState: "CREATING",
    });
    expect(created.CreationTime).toBeInstanceOf(Date);
    const running = await settled("api-pipe", "RUNNING");
    expect(running).toMatchObject({
      Source: source.arn,
      Target: target.arn,
      RoleArn: ROLE,
      Description: "first",
      Tags: { team: "orders" },
    });

    await h.client.send(
      new CreatePipeCommand({
        Name: "api-other",
        Source: source.arn,
        Target: fnArn("nobody"),
        RoleArn: ROLE,
        DesiredState: "STOPPED",
      }),
    );
    await settled("api-other", "STOPPED");
    const byPrefix = await h.client.send(new ListPipesCommand({ NamePrefix: "api-" }));
    expect(byPrefix.Pipes?.map((p) => p.Name)).toEqual(["api-other", "api-pipe"]);
    const byTarget = await h.client.send(new ListPipesCommand({ TargetPrefix: "arn:aws:lambda" }));
    expect(byTarget.Pipes?.map((p) => p.Name)).toEqual(["api-other"]);
    const stopped = await h.client.send(new ListPipesCommand({ CurrentState: "STOPPED" }));
    expect(stopped.Pipes?.map((p) => p.Name)).toEqual(["api-other"]);
    const first = await h.client.send(new ListPipesCommand({ NamePrefix: "api-", Limit: 1 }));
    expect(first.Pipes?.map((p) => p.Name)).toEqual(["api-other"]);
    const second = await h.client.send(
      new ListPipesCommand({ NamePrefix: "api-", Limit: 1, NextToken: first.NextToken }),
    );
    expect(second.Pipes?.map((p) => p.Name)).toEqual(["api-pipe"]);
    expect(second.NextToken).toBeUndefined();

    const updated = await h.client.send(
      new UpdatePipeCommand({ Name: "api-pipe", RoleArn: ROLE, Description: "second" }),
    );
    expect(updated.CurrentState).toBe("UPDATING");
    expect(await settled("api-pipe", "RUNNING")).toMatchObject({
      Description: "second",
      Target: target.arn,
    });

    expect(await h.client.send(new StopPipeCommand({ Name: "api-pipe" }))).toMatchObject({
      DesiredState: "STOPPED",
      CurrentState: "STOPPING",
    });
    await settled("api-pipe", "STOPPED");
    expect(await h.client.send(new StartPipeCommand({ Name: "api-pipe" }))).toMatchObject({
      DesiredState: "RUNNING",
      CurrentState: "STARTING",
    });
    await settled("api-pipe", "RUNNING");

    const deleted = await h.client.send(new DeletePipeCommand({ Name: "api-pipe" }));
    expect(deleted).toMatchObject({ DesiredState: "DELETED", CurrentState: "DELETING" });
    await h.client.send(new DeletePipeCommand({ Name: "api-other" }));
    await eventually(async () => {
      const left = await h.client.send(new ListPipesCommand({ NamePrefix: "api-" }));
      return left.Pipes?.length === 0 ? true : undefined;
    });
    await expect(h.client.send(new DescribePipeCommand({ Name: "api-pipe" }))).rejects.toThrow(
      NotFoundException,
    );
  });

  it("answers bad input with AWS's errors and writes nothing", async () => {
    const queue = await h.createQueue("bad-input");
    const bad = [
      { Name: "bad name!", Source: queue.arn, Target: queue.arn, RoleArn: ROLE },
      { Name: "bad-role", Source: queue.arn, Target: queue.arn, RoleArn: "not-a-role" },
      {
        Name: "bad-source",
        Source: `arn:aws:kinesis:us-east-1:${ACCOUNT_ID}:stream/s`,
        Target: queue.arn,
        RoleArn: ROLE,
      },
      {
        Name: "bad-pattern",
        Source: queue.arn,
        Target: queue.arn,
        RoleArn: ROLE,
        SourceParameters: { FilterCriteria: { Filters: [{ Pattern: '{"body": "x"}' }] } },
      },
      {
        Name: "bad-stream",
        Source: `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/t/stream/2026-01-01T00:00:00.000`,
        Target: queue.arn,
        RoleArn: ROLE,
      },
    ];
    for (const input of bad)
      await expect(h.client.send(new CreatePipeCommand(input)), input.Name).rejects.toThrow(
        ValidationException,
      );
    const all = await h.client.send(new ListPipesCommand({ NamePrefix: "bad" }));
    expect(all.Pipes).toEqual([]);
    await expect(h.client.send(new StartPipeCommand({ Name: "missing" }))).rejects.toMatchObject({
      name: "NotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
    await h.client.send(
      new CreatePipeCommand({
        Name: "twice",
        Source: queue.arn,
        Target: queue.arn,
        RoleArn: ROLE,
        DesiredState: "STOPPED",
      }),
    );
    await expect(
      h.client.send(
        new CreatePipeCommand({
          Name: "twice",
          Source: queue.arn,
          Target: queue.arn,
          RoleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({ name: "ConflictException", $metadata: { httpStatusCode: 409 } });
    await h.client.send(new DeletePipeCommand({ Name: "twice" }));
  });
});

describe("a DynamoDB stream pipe", () => {
  it("delivers only the records its filter matches to the bus, as events shaped by the target parameters", async () => {
    const stream = await h.createStreamTable("orders-filter");
    const events = new EventBridgeClient({
      endpoint: h.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const seen = await h.createQueue("bus-seen");
    await events.send(
      new PutRuleCommand({ Name: "from-pipe", EventPattern: '{"source": ["orders.pipe"]}' }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: "from-pipe", Targets: [{ Id: "q", Arn: seen.arn }] }),
    );
    await h.client.send(
      new CreatePipeCommand({
        Name: "status-changes",
        Source: stream,
        SourceParameters: {
          DynamoDBStreamParameters: { StartingPosition: "TRIM_HORIZON", BatchSize: 10 },
          FilterCriteria: {
            Filters: [
              {
                Pattern: JSON.stringify({
                  eventName: ["MODIFY"],
                  dynamodb: { NewImage: { status: { S: [{ exists: true }] } } },
                }),
              },
            ],
          },
        },
        Target: busArn("default"),
        TargetParameters: {
          EventBridgeEventBusParameters: {
            Source: "orders.pipe",
            DetailType: "OrderStatusChanged",
          },
          InputTemplate:
            '{"orderId": "<$.dynamodb.Keys.pk.S>", "status": "<$.dynamodb.NewImage.status.S>", "pipe": "<aws.pipes.pipe-name>"}',
        },
        RoleArn: ROLE,
      }),
    );
    await settled("status-changes", "RUNNING");
    const put = (pk: string, status?: string) =>
      h.dynamodb.send(
        new PutItemCommand({
          TableName: "orders-filter",
          Item: { pk: { S: pk }, ...(status ? { status: { S: status } } : {}) },
        }),
      );
    const setStatus = (pk: string, status: string) =>
      h.dynamodb.send(
        new UpdateItemCommand({
          TableName: "orders-filter",
          Key: { pk: { S: pk } },
          UpdateExpression: "SET #s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: status } },
        }),
      );
    await put("o-1", "ACCEPTED"); // INSERT: dropped
    await put("note-1"); // INSERT without status: dropped
    await setStatus("o-1", "PAID"); // MODIFY: delivered
    await put("note-1"); // MODIFY without status: dropped
    await setStatus("o-1", "FULFILLED"); // MODIFY: delivered
    const bodies = await receive(seen.url, 2);
    const got = bodies.map((b) => JSON.parse(b));
    expect(got.map((e) => e.detail)).toEqual([
      { orderId: "o-1", status: "PAID", pipe: "status-changes" },
      { orderId: "o-1", status: "FULFILLED", pipe: "status-changes" },
    ]);
    expect(got[0]).toMatchObject({ source: "orders.pipe", "detail-type": "OrderStatusChanged" });
    await h.eventBridge.idle();
    expect(await h.drain(seen.url)).toEqual([]);
    events.destroy();
  });

  it("retries a failing target, then sends the batch's location to the DLQ and moves on", async () => {
    const stream = await h.createStreamTable("orders-failing");
    const dlq = await h.createQueue("failing-dlq");
    h.functions.set("always-fails", () => {
      throw new Error("target down");
    });
    await h.client.send(
      new CreatePipeCommand({
        Name: "failing",
        Source: stream,
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: "TRIM_HORIZON",
            MaximumRetryAttempts: 2,
            DeadLetterConfig: { Arn: dlq.arn },
          },
        },
        Target: fnArn("always-fails"),
        RoleArn: ROLE,
      }),
    );
    await settled("failing", "RUNNING");
    await h.dynamodb.send(
      new PutItemCommand({ TableName: "orders-failing", Item: { pk: { S: "x" } } }),
    );
    const [body] = await receive(dlq.url, 1);
    const record = JSON.parse(body!);
    expect(record.requestContext).toMatchObject({
      pipeArn: `arn:aws:pipes:us-east-1:${ACCOUNT_ID}:pipe/failing`,
      condition: "RetryAttemptsExhausted",
      approximateInvokeCount: 3,
    });
    expect(record.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, streamArn: stream });
    // The first attempt and two retries, each with the batch as a JSON array.
    const calls = h.calls.get("always-fails")!;
    expect(calls).toHaveLength(3);
    expect((calls[0] as Array<{ dynamodb: { Keys: unknown } }>)[0]!.dynamodb.Keys).toEqual({
      pk: { S: "x" },
    });
    await h.client.send(new StopPipeCommand({ Name: "failing" }));
  });

  it("delivers nothing while stopped, resumes after start, and after a restart continues from its checkpoint", async () => {
    const stream = await h.createStreamTable("orders-resume");
    const out = await h.createQueue("resume-out");
    await h.client.send(
      new CreatePipeCommand({
        Name: "resume",
        Source: stream,
        SourceParameters: { DynamoDBStreamParameters: { StartingPosition: "TRIM_HORIZON" } },
        Target: out.arn,
        TargetParameters: { InputTemplate: "<$.dynamodb.Keys.pk.S>" },
        RoleArn: ROLE,
      }),
    );
    await settled("resume", "RUNNING");
    const put = (pk: string) =>
      h.dynamodb.send(new PutItemCommand({ TableName: "orders-resume", Item: { pk: { S: pk } } }));
    await put("a");
    expect(await receive(out.url, 1)).toEqual(["a"]);

    await h.client.send(new StopPipeCommand({ Name: "resume" }));
    await settled("resume", "STOPPED");
    await put("b");
    await h.client.send(new StartPipeCommand({ Name: "resume" }));
    expect(await receive(out.url, 1)).toEqual(["b"]);

    await h.restart();
    await put("c");
    // "a" and "b" were checkpointed: only "c" comes after the restart.
    expect(await receive(out.url, 1)).toEqual(["c"]);
    await h.pipes().idle();
    await put("d");
    expect(await receive(out.url, 1)).toEqual(["d"]);
  });
});

describe("an SQS pipe", () => {
  it("sends matching messages to the target queue, deletes the ones no filter matches", async () => {
    const source = await h.createQueue("sqs-source");
    const target = await h.createQueue("sqs-target");
    await h.client.send(
      new CreatePipeCommand({
        Name: "sqs-to-sqs",
        Source: source.arn,
        SourceParameters: {
          SqsQueueParameters: { BatchSize: 5 },
          FilterCriteria: { Filters: [{ Pattern: '{"body": {"kind": ["order"]}}' }] },
        },
        Target: target.arn,
        TargetParameters: { InputTemplate: '{"id": <$.body.id>, "from": "<$.eventSourceARN>"}' },
        RoleArn: ROLE,
      }),
    );
    await settled("sqs-to-sqs", "RUNNING");
    for (const body of [
      { kind: "order", id: 1 },
      { kind: "noise", id: 2 },
      { kind: "order", id: 3 },
    ])
      await h.sqs.send(
        new SendMessageCommand({ QueueUrl: source.url, MessageBody: JSON.stringify(body) }),
      );
    const got = (await receive(target.url, 2)).map((b) => JSON.parse(b));
    expect(got.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, from: source.arn },
      { id: 3, from: source.arn },
    ]);
    await h.client.send(new StopPipeCommand({ Name: "sqs-to-sqs" }));
    await settled("sqs-to-sqs", "STOPPED");
    // The unmatched message was deleted, not left for the queue's redrive.
    expect(await h.drain(source.url)).toEqual([]);
  });

  it("runs the enrichment with the batch as an array; its answer is the target's input", async () => {
    const source = await h.createQueue("enrich-source");
    const target = await h.createQueue("enrich-target");
    h.functions.set("enrich", (batch) =>
      (batch as Array<{ id: string }>).map((r) => ({ id: r.id, enriched: true })),
    );
    await h.client.send(
      new CreatePipeCommand({
        Name: "enriched",
        Source: source.arn,
        Enrichment: fnArn("enrich"),
        EnrichmentParameters: { InputTemplate: '{"id": "<$.body>"}' },
        Target: target.arn,
        RoleArn: ROLE,
      }),
    );
    await settled("enriched", "RUNNING");
    await h.sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "order-7" }));
    const [body] = await receive(target.url, 1);
    expect(JSON.parse(body!)).toEqual({ id: "order-7", enriched: true });
    expect(h.calls.get("enrich")![0]).toEqual([{ id: "order-7" }]);
    await h.client.send(new StopPipeCommand({ Name: "enriched" }));
  });
});

describe("an enriched pipe to the bus", () => {
  it("takes each event's detail-type from the enrichment's answer (a dynamic path parameter)", async () => {
    const source = await h.createQueue("derive-source");
    const seen = await h.createQueue("derive-seen");
    const events = new EventBridgeClient({
      endpoint: h.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    await events.send(
      new PutRuleCommand({ Name: "derived", EventPattern: '{"source": ["orders.derived"]}' }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: "derived", Targets: [{ Id: "q", Arn: seen.arn }] }),
    );
    h.functions.set("derive", (batch) =>
      (batch as Array<{ body: string }>).map((r) => {
        const order = JSON.parse(r.body) as { id: string; status: string };
        return {
          detailType: order.status === "CANCELLED" ? "OrderCancelled" : "OrderStatusChanged",
          detail: { orderId: order.id, status: order.status },
        };
      }),
    );
    await h.client.send(
      new CreatePipeCommand({
        Name: "derive",
        Source: source.arn,
        Enrichment: fnArn("derive"),
        Target: busArn("default"),
        TargetParameters: {
          InputTemplate: "<$.detail>",
          EventBridgeEventBusParameters: { Source: "orders.derived", DetailType: "$.detailType" },
        },
        RoleArn: ROLE,
      }),
    );
    await settled("derive", "RUNNING");
    await h.sqs.send(
      new SendMessageCommand({
        QueueUrl: source.url,
        MessageBody: JSON.stringify({ id: "o-5", status: "CANCELLED" }),
      }),
    );
    const [body] = await receive(seen.url, 1);
    expect(JSON.parse(body!)).toMatchObject({
      source: "orders.derived",
      "detail-type": "OrderCancelled",
      detail: { orderId: "o-5", status: "CANCELLED" },
    });
    await h.client.send(new StopPipeCommand({ Name: "derive" }));
    events.destroy();
  });
});

describe("UpdatePipe on a running pipe", () => {
  it("sends what comes after the update to the new target", async () => {
    const source = await h.createQueue("update-source");
    const before = await h.createQueue("update-before");
    const after = await h.createQueue("update-after");
    await h.client.send(
      new CreatePipeCommand({
        Name: "retarget",
        Source: source.arn,
        Target: before.arn,
        TargetParameters: { InputTemplate: "<$.body>" },
        RoleArn: ROLE,
      }),
    );
    await settled("retarget", "RUNNING");
    await h.sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "one" }));
    expect(await receive(before.url, 1)).toEqual(["one"]);
    await h.client.send(
      new UpdatePipeCommand({ Name: "retarget", RoleArn: ROLE, Target: after.arn }),
    );
    const updated = await settled("retarget", "RUNNING");
    // The target's parameters stay when the update does not name them.
    expect(updated).toMatchObject({
      Target: after.arn,
      TargetParameters: { InputTemplate: "<$.body>" },
    });
    await h.sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "two" }));
    expect(await receive(after.url, 1)).toEqual(["two"]);
    expect(await h.drain(before.url)).toEqual([]);
    await h.client.send(new StopPipeCommand({ Name: "retarget" }));
  });
});

describe("Debian's AWS CLI", () => {
  it("lists and describes pipes", async () => {
    const cli = awsCli(() => h.url);
    try {
      const source = await h.createQueue("cli-source");
      const created = await cli.json(
        "pipes",
        "create-pipe",
        "--name",
        "cli-pipe",
        "--source",
        source.arn,
        "--source-parameters",
        '{"SqsQueueParameters": {"BatchSize": 5}}',
        "--target",
        source.arn,
        "--target-parameters",
        '{"InputTemplate": "<$.body>"}',
        "--role-arn",
        ROLE,
        "--desired-state",
        "STOPPED",
      );
      expect(created).toMatchObject({ Name: "cli-pipe", CurrentState: "CREATING" });
      await settled("cli-pipe", "STOPPED");
      const listed = await cli.json<{ Pipes: Array<{ Name: string; CurrentState: string }> }>(
        "pipes",
        "list-pipes",
        "--name-prefix",
        "cli-",
      );
      expect(listed.Pipes).toEqual([
        expect.objectContaining({ Name: "cli-pipe", CurrentState: "STOPPED" }),
      ]);
      const described = await cli.json("pipes", "describe-pipe", "--name", "cli-pipe");
      expect(described).toMatchObject({
        Name: "cli-pipe",
        Source: source.arn,
        RoleArn: ROLE,
        SourceParameters: { SqsQueueParameters: { BatchSize: 5 } },
        TargetParameters: { InputTemplate: "<$.body>" },
      });
      expect(await cli.json("pipes", "start-pipe", "--name", "cli-pipe")).toMatchObject({
        CurrentState: "STARTING",
      });
      await settled("cli-pipe", "RUNNING");
      expect(await cli.json("pipes", "stop-pipe", "--name", "cli-pipe")).toMatchObject({
        CurrentState: "STOPPING",
      });
      await settled("cli-pipe", "STOPPED");
      expect(await cli.json("pipes", "delete-pipe", "--name", "cli-pipe")).toMatchObject({
        DesiredState: "DELETED",
      });
      const missing = await cli.run("pipes", "describe-pipe", "--name", "nope");
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain("NotFoundException");
    } finally {
      cli.close();
    }
  });
});
