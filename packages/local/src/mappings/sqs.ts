import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Chaos } from "../chaos";
import type { InvokeResult, LambdaRunner } from "../lambda/runner";

// An SQS event source mapping, as Lambda runs one: long-polling pollers (one
// per unit of MaximumConcurrency, so no more batches are in flight at once),
// batches up to BatchSize gathered within MaximumBatchingWindowInSeconds, the
// SQS event shape, and on success the batch is deleted — all of it, or with
// ReportBatchItemFailures everything but the reported failures. A failed
// invocation deletes nothing: the messages reappear after the visibility
// timeout and the queue's RedrivePolicy moves them to the DLQ at maxReceiveCount.

export interface SqsMappingOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  runner: LambdaRunner;
  batchSize: number;
  batchingWindowSeconds: number;
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
  region: string;
  /** Long-poll wait per receive (AWS uses 20 s). */
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
  /** Chaos mode (packages/local/src/chaos): duplicate deliveries, crashes before the ack. */
  chaos?: Pick<Chaos, "sqsBatch">;
}

export interface EventSourceMapping {
  start(): void;
  stop(): Promise<void>;
  stats(): { batches: number; records: number; failedRecords: number; inFlight: number };
}

export function toSqsRecord(m: Message, queueArn: string, region: string) {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? "",
    attributes: { ...(m.Attributes ?? {}) },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([name, v]) => [
        name,
        {
          ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
          ...(v.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(v.BinaryValue).toString("base64") }
            : {}),
          stringListValues: [],
          binaryListValues: [],
          dataType: v.DataType!,
        },
      ]),
    ),
    md5OfBody: m.MD5OfBody!,
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** The message ids to keep on the queue, or "all" when the response does not qualify. */
export function failedMessageIds(
  result: InvokeResult,
  batchIds: string[],
  reportBatchItemFailures: boolean,
): Set<string> | "all" {
  if (result.functionError) return "all";
  if (!reportBatchItemFailures) return new Set();
  const payload = result.payload as {
    batchItemFailures?: Array<{ itemIdentifier?: unknown }>;
  } | null;
  const failures = payload?.batchItemFailures;
  if (!failures || failures.length === 0) return new Set();
  const ids = new Set<string>();
  for (const f of failures) {
    // AWS fails the whole batch on an empty, missing or unknown identifier.
    if (typeof f?.itemIdentifier !== "string" || !batchIds.includes(f.itemIdentifier)) return "all";
    ids.add(f.itemIdentifier);
  }
  return ids;
}

export function createSqsMapping(options: SqsMappingOptions): EventSourceMapping {
  const controller = new AbortController();
  let running = false;
  const pollers: Promise<void>[] = [];
  const stats = { batches: 0, records: 0, failedRecords: 0, inFlight: 0 };
  const wait = options.waitTimeSeconds ?? 20;

  async function receive(max: number, waitSeconds: number) {
    const out = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: controller.signal },
    );
    return out.Messages ?? [];
  }

  async function gather(): Promise<Message[]> {
    const batch = await receive(options.batchSize, wait);
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + options.batchingWindowSeconds * 1000;
    while (batch.length < options.batchSize && running) {
      const left = windowEnds - Date.now();
      if (left <= 0) break;
      const more = await receive(
        options.batchSize - batch.length,
        Math.min(20, Math.ceil(left / 1000)),
      );
      batch.push(...more);
      if (more.length === 0 && Date.now() >= windowEnds) break;
    }
    return batch;
  }

  async function poll() {
    while (running) {
      try {
        const batch = await gather();
        if (batch.length === 0) continue;
        stats.inFlight++;
        try {
          const event = {
            Records: batch.map((m) => toSqsRecord(m, options.queueArn, options.region)),
          };
          const result = await options.runner.invoke(options.functionName, event);
          // Chaos mode: the batch delivered twice, or the poller "crashing" after
          // the handler's effects and before the delete (redelivered after the
          // visibility timeout).
          const chaos = options.chaos?.sqsBatch(options.queueUrl);
          if (chaos?.duplicate) await options.runner.invoke(options.functionName, event);
          const failed = failedMessageIds(
            result,
            batch.map((m) => m.MessageId!),
            options.reportBatchItemFailures,
          );
          const done = failed === "all" ? [] : batch.filter((m) => !failed.has(m.MessageId!));
          stats.batches++;
          stats.records += batch.length;
          stats.failedRecords += batch.length - done.length;
          if (done.length && !chaos?.crashAfterEffect) {
            await options.sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: options.queueUrl,
                Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
              }),
            );
          }
        } finally {
          stats.inFlight--;
        }
      } catch (error) {
        if (!running) return;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      for (let i = 0; i < options.maxConcurrency; i++) pollers.push(poll());
    },
    async stop() {
      running = false;
      controller.abort();
      await Promise.allSettled(pollers.splice(0));
    },
    stats: () => ({ ...stats }),
  };
}
