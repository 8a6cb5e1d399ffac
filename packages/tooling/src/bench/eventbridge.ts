// PutEvents → rule → SQS delivery, measured next to a direct SQS send in the same run (same
// fauxqs, same SDK), so the numbers read as the cost EventBridge adds on top of SQS.
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { type Sqs, startBridge, startSqs } from "@orders/local/test/eventbridge/test-harness";
import { median } from "./median";

export interface EventBridgeBench {
  latencySamples: number;
  throughputEvents: number;
  eventBridge: { medianLatencyMs: number; eventsPerSecond: number };
  sqsDirect: { medianLatencyMs: number; messagesPerSecond: number };
  /** EventBridge latency ÷ direct SQS latency (1 = no overhead). */
  latencyRatio: number;
  /** EventBridge events/s ÷ direct SQS messages/s (1 = as fast as SQS alone). */
  throughputRatio: number;
}

/** Receives (and deletes) until `count` messages have arrived. */
async function receive(sqs: Sqs, url: string, count: number) {
  let got = 0;
  while (got < count) {
    const { Messages = [] } = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) continue;
    got += Messages.length;
    await sqs.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

async function timed(fn: () => Promise<void>) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function benchEventBridge(
  options: { latencySamples?: number; throughputEvents?: number; concurrency?: number } = {},
): Promise<EventBridgeBench> {
  const samples = options.latencySamples ?? 50;
  const total = Math.ceil((options.throughputEvents ?? 2000) / 10) * 10;
  const concurrency = options.concurrency ?? 8;
  const sqs = await startSqs();
  const bridge = await startBridge(sqs.deliverer, { maxConcurrentDeliveries: 64 });
  try {
    const viaBus = await sqs.createQueue("bench-eventbridge");
    const direct = await sqs.createQueue("bench-direct");
    await bridge.client.send(
      new PutRuleCommand({ Name: "bench", EventPattern: '{"source":["bench"]}' }),
    );
    await bridge.client.send(
      new PutTargetsCommand({ Rule: "bench", Targets: [{ Id: "q", Arn: viaBus.arn }] }),
    );
    const entry = { Source: "bench", DetailType: "Bench", Detail: '{"orderId":"o-1","total":42}' };
    const body = JSON.stringify({ source: "bench", detail: { orderId: "o-1", total: 42 } });

    // Latency: one message at a time, send to receive.
    const busLatency: number[] = [];
    const sqsLatency: number[] = [];
    for (let i = 0; i < samples; i++) {
      busLatency.push(
        await timed(async () => {
          await bridge.client.send(new PutEventsCommand({ Entries: [entry] }));
          await receive(sqs, viaBus.url, 1);
        }),
      );
      sqsLatency.push(
        await timed(async () => {
          await sqs.client.send(
            new SendMessageCommand({ QueueUrl: direct.url, MessageBody: body }),
          );
          await receive(sqs, direct.url, 1);
        }),
      );
    }

    // Throughput: batches of ten from several clients, until every message is received.
    const flood = async (sendBatch: () => Promise<unknown>, url: string) =>
      timed(async () => {
        let sent = 0;
        const sender = async () => {
          while (sent < total) {
            sent += 10;
            await sendBatch();
          }
        };
        await Promise.all([
          ...Array.from({ length: concurrency }, sender),
          receive(sqs, url, total),
        ]);
      });
    const busMs = await flood(
      () => bridge.client.send(new PutEventsCommand({ Entries: Array(10).fill(entry) })),
      viaBus.url,
    );
    const sqsMs = await flood(
      () =>
        sqs.client.send(
          new SendMessageBatchCommand({
            QueueUrl: direct.url,
            Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body })),
          }),
        ),
      direct.url,
    );

    const busRate = total / (busMs / 1000);
    const sqsRate = total / (sqsMs / 1000);
    const busMedian = median(busLatency);
    const sqsMedian = median(sqsLatency);
    return {
      latencySamples: samples,
      throughputEvents: total,
      eventBridge: {
        medianLatencyMs: Number(busMedian.toFixed(2)),
        eventsPerSecond: Math.round(busRate),
      },
      sqsDirect: {
        medianLatencyMs: Number(sqsMedian.toFixed(2)),
        messagesPerSecond: Math.round(sqsRate),
      },
      latencyRatio: Number((busMedian / sqsMedian).toFixed(2)),
      throughputRatio: Number((busRate / sqsRate).toFixed(2)),
    };
  } finally {
    await bridge.stop();
    await sqs.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchEventBridge(), null, 2));
}
