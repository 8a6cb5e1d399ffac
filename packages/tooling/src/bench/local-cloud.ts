import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type LocalCloud, startLocalCloud } from "@orders/local/cloud/index";
import { fakeCredentials, REGION, repoRoot } from "@orders/local/config";
import { waitFor } from "@orders/local/engines/ports";
import { median } from "./median";

// Local cloud overheads, measured next to the raw engine operations in the same
// run: start → healthy, and per hop the median latency from the producer's call
// to the handler's first line, against the raw engine round trip it rides on.

export interface BenchRow {
  name: string;
  medianMs: number;
  baselineName?: string;
  baselineMs?: number;
}

const HANDLER = join(repoRoot, "packages/local/test/lambda/fixtures/sqs-consumer.handler");
const STAMP = join(import.meta.dirname, "stamp.handler");

export async function benchStartToHealthy(): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), "bench-start-"));
  const started = performance.now();
  const cloud = await startLocalCloud({ dataDir: dir, webPort: 0, awsPort: 0, hotReload: false });
  await waitFor(
    "healthy",
    async () => (await fetch(`${cloud.urls.web}/api/health`)).status === 200,
  );
  const ms = performance.now() - started;
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
  return { name: "start → healthy (fresh data dir)", medianMs: ms };
}

/** Per-hop overheads on one cloud: SQS → handler, stream → handler, HTTP → handler. */
export async function benchHops(samples = 30): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-hops-"));
  const cloud: LocalCloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    mappings: false,
    hotReload: false,
    extraFunctions: [
      { name: "Stamp", handler: STAMP, timeoutSeconds: 10, memoryMb: 128 },
      { name: "Consumer", handler: HANDLER, timeoutSeconds: 10, memoryMb: 128 },
    ],
  });
  const config = { endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials };
  const sqs = new SQSClient(config);
  const ddb = new DynamoDBClient(config);
  const rows: BenchRow[] = [];
  try {
    // Raw engine operations through the endpoint.
    const { QueueUrl: rawUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "BenchRaw" }));
    const raw: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await sqs.send(new SendMessageCommand({ QueueUrl: rawUrl, MessageBody: "x" }));
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: rawUrl, WaitTimeSeconds: 1 }),
      );
      await sqs.send(
        new DeleteMessageCommand({
          QueueUrl: rawUrl,
          ReceiptHandle: out.Messages![0]!.ReceiptHandle,
        }),
      );
      raw.push(performance.now() - t);
    }
    const invokeRaw: number[] = [];
    await cloud.runner.invoke("Stamp", {});
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await cloud.runner.invoke("Stamp", {});
      invokeRaw.push(performance.now() - t);
    }
    const sendReceiveDelete = median(raw);
    rows.push({ name: "raw: SQS send+receive+delete", medianMs: sendReceiveDelete });
    rows.push({ name: "raw: warm invoke (runner)", medianMs: median(invokeRaw) });

    // SQS send → handler.
    await sqs.send(new CreateQueueCommand({ QueueName: "BenchHop" }));
    const hop = cloud.addSqsMapping({
      queueName: "BenchHop",
      functionName: "Stamp",
      batchSize: 1,
      maxConcurrency: 1,
      waitTimeSeconds: 20,
    });
    const sqsHop: number[] = [];
    const url = `${cloud.urls.aws}/000000000000/BenchHop`;
    for (let i = 0; i < samples; i++) {
      const marker = `sqs-${i}`;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify({
            marker,
            sentAt: performance.timeOrigin + performance.now(),
          }),
        }),
      );
      await waitFor("hop", async () => cloud.runner.logs.logsByCorrelationId(marker).length > 0, {
        intervalMs: 2,
        timeoutMs: 20_000,
      });
      const line = cloud.runner.logs
        .logsByCorrelationId(marker)
        .find((l) => l.stream === "stdout")!;
      const { sentAt, at } = JSON.parse(line.message) as { sentAt: number; at: number };
      sqsHop.push(at - sentAt);
    }
    await hop.stop();
    rows.push({
      name: "SQS send → handler",
      medianMs: median(sqsHop),
      baselineName: "raw SQS send+receive+delete",
      baselineMs: sendReceiveDelete,
    });

    // Stream record → handler.
    await ddb.send(
      new CreateTableCommand({
        TableName: "BenchStream",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
      }),
    );
    const putRaw: number[] = [];
    const streamHop: number[] = [];
    const stream = cloud.addStreamMapping({
      name: "BenchStream",
      tableName: "BenchStream",
      functionName: "Stamp",
      onFailureQueue: "BenchRaw",
      batchSize: 1,
    });
    for (let i = 0; i < samples; i++) {
      const marker = `ddb-${i}`;
      const sentAt = performance.timeOrigin + performance.now();
      await ddb.send(
        new PutItemCommand({
          TableName: "BenchStream",
          Item: { pk: { S: marker }, sentAt: { N: String(sentAt) } },
        }),
      );
      putRaw.push(performance.timeOrigin + performance.now() - sentAt);
      await waitFor("hop", async () => cloud.runner.logs.logsByCorrelationId(marker).length > 0, {
        intervalMs: 2,
        timeoutMs: 20_000,
      });
      const line = cloud.runner.logs
        .logsByCorrelationId(marker)
        .find((l) => l.stream === "stdout")!;
      const { at } = JSON.parse(line.message) as { at: number };
      streamHop.push(at - sentAt);
    }
    await stream.stop();
    rows.push({ name: "raw: DynamoDB PutItem (stream table)", medianMs: median(putRaw) });
    rows.push({
      name: "stream record → handler",
      medianMs: median(streamHop),
      baselineName: "raw PutItem",
      baselineMs: median(putRaw),
    });

    // HTTP request → handler, through the function-URL adapter the payment sandbox uses.
    const { serveFunctionUrl } = await import("@orders/local/cloud/function-url");
    const server = await serveFunctionUrl(cloud.runner, "Stamp");
    const httpHop: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await (await fetch(`${server.url}/x`)).arrayBuffer();
      httpHop.push(performance.now() - t);
    }
    await server.close();
    rows.push({
      name: "HTTP request → handler → response",
      medianMs: median(httpHop),
      baselineName: "raw warm invoke",
      baselineMs: median(invokeRaw),
    });
  } finally {
    sqs.destroy();
    ddb.destroy();
    await cloud.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
