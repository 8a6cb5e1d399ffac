// One running pipe: it polls its source as its role, drops records no filter
// matches, runs the enrichment on the batch, transforms each record and calls
// the target, as the Pipes user guide describes
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html,
// .../eb-pipes-error-troubleshooting.html):
// - DynamoDB stream: shards in order (a child after its parent), a batch of up
//   to BatchSize gathered within MaximumBatchingWindowInSeconds; a failed batch
//   is retried up to MaximumRetryAttempts (-1: until the record's age runs out),
//   halved first with AUTOMATIC_BISECT; records past MaximumRecordAgeInSeconds
//   or out of retries go to the DeadLetterConfig queue (or are dropped), and
//   the checkpoint moves past them. The checkpoint is durable: a restart
//   resumes after the last record handled.
// - SQS: a batch is deleted when the target took it; a failed one stays on the
//   queue, to come back after its visibility timeout and reach the queue's own
//   DLQ at maxReceiveCount. Records no filter matched are deleted.

import type { Store } from "./store";
import { addressable, applyTemplate, dynamicParameter, type TemplateContext } from "./template";
import type {
  BusEntry,
  CompilePattern,
  PipeIo,
  PipeRecord,
  QueueRecord,
  StreamRecord,
  StreamShard,
} from "./types";

export interface RuntimeOptions {
  io: PipeIo;
  store: Store;
  compilePattern: CompilePattern;
  region: string;
  now: () => number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  pollIntervalMs: number;
  queueWaitSeconds: number;
  onError: (pipe: string, error: unknown) => void;
  /**
   * Why the pipe cannot read its source (AccessDenied, a queue or stream that is
   * gone), shown as DescribePipe's StateReason; undefined once it reads again.
   */
  stateReason: (pipe: string, reason: string | undefined) => void;
}

export interface PipeRun {
  /**
   * Ends polling; a batch in flight completes (or is left unacknowledged) first.
   * A graceful stop (StopPipe, UpdatePipe) lets an SQS long poll finish and
   * delivers what it got; `abort` (closing) cuts it short, and a message the
   * queue had already handed to the cut poll waits out its visibility timeout.
   */
  stop(abort?: boolean): Promise<void>;
  /** Batches being processed now. */
  inFlight(): number;
}

/** Records a pipe reads from each source type, and the `detail-type` its bus events get. */
export const sourceKind = (arn: string): "dynamodb" | "sqs" | undefined =>
  /^arn:aws[\w-]*:dynamodb:[^:]*:\d{12}:table\/[^/]+\/stream\/.+$/.test(arn)
    ? "dynamodb"
    : /^arn:aws[\w-]*:sqs:[^:]*:\d{12}:[^:/]+$/.test(arn)
      ? "sqs"
      : undefined;

export const targetKind = (arn: string): "events" | "sqs" | "states" | "lambda" | undefined =>
  /^arn:aws[\w-]*:events:[^:]*:\d{12}:event-bus\/.+$/.test(arn)
    ? "events"
    : /^arn:aws[\w-]*:sqs:[^:]*:\d{12}:[^:/]+$/.test(arn)
      ? "sqs"
      : /^arn:aws[\w-]*:states:[^:]*:\d{12}:stateMachine:.+$/.test(arn)
        ? "states"
        : /^arn:aws[\w-]*:lambda:[^:]*:\d{12}:function:.+$/.test(arn)
          ? "lambda"
          : undefined;

/** Batch limits of targets with a batch API (bus and queue: 10 entries per call). */
export const TARGET_BATCH_LIMIT: Record<string, number> = { events: 10, sqs: 10 };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );

const sourceFailure = (e: unknown) =>
  `Cannot read the source: ${(e as { name?: string })?.name ?? "Error"}: ${(e as Error)?.message ?? String(e)}`;

const errorText = (e: unknown) => ({
  errorCode: (e as { name?: string })?.name ?? "Error",
  errorMessage: (e as Error)?.message ?? String(e),
});

export function runPipe(pipe: PipeRecord, options: RuntimeOptions): PipeRun {
  const { io, store } = options;
  const role = pipe.RoleArn;
  // Sleeps end on any stop; receives only on an abort.
  const controller = new AbortController();
  const receives = new AbortController();
  let running = true;
  let inFlight = 0;
  const kind = sourceKind(pipe.Source)!;
  const filters = pipe.SourceParameters.FilterCriteria?.Filters?.filter((f) => f.Pattern).map((f) =>
    options.compilePattern(JSON.parse(f.Pattern!)),
  );
  const context = (): TemplateContext => ({
    pipeArn: pipe.Arn,
    pipeName: pipe.Name,
    sourceArn: pipe.Source,
    enrichmentArn: pipe.Enrichment,
    targetArn: pipe.Target,
    ingestionTime: options.now(),
  });

  /** Records that match a filter (all of them without FilterCriteria). */
  const selected = <T>(records: T[]) =>
    filters?.length
      ? records.filter((r) => filters.some((f) => f.matches(addressable(r))))
      : records;

  /** Enrichment, then the target; throws when either fails. */
  async function deliver(records: unknown[]) {
    let events = records;
    if (pipe.Enrichment) {
      const template = pipe.EnrichmentParameters?.InputTemplate;
      const ctx = context();
      const input = template ? events.map((r) => applyTemplate(template, r, ctx)) : events;
      const out = await io.invokeFunction(role, pipe.Enrichment, input, "RequestResponse");
      // The enrichment's answer is the target's batch: an array as it is, nothing for an
      // empty answer (the target is not invoked), anything else as one event.
      events = Array.isArray(out) ? out : out === null || out === undefined ? [] : [out];
      if (events.length === 0) return;
    }
    const template = pipe.TargetParameters?.InputTemplate;
    const ctx = context();
    const payloads = template ? events.map((r) => applyTemplate(template, r, ctx)) : events;
    const text = (p: unknown) => (typeof p === "string" ? p : JSON.stringify(p));
    const target = pipe.Target;
    switch (targetKind(target)) {
      case "events": {
        const bus = pipe.TargetParameters?.EventBridgeEventBusParameters;
        for (const chunk of chunks(
          payloads.map((p, i) => [p, events[i]] as const),
          10,
        )) {
          const entries: BusEntry[] = chunk.map(([p, event]) => {
            const time = dynamicParameter(bus?.Time, event);
            return {
              EventBusName: target,
              // Pipes' defaults for a bus target: the pipe as source, the source type as detail-type.
              Source: dynamicParameter(bus?.Source, event) ?? `Pipe ${pipe.Name}`,
              DetailType: dynamicParameter(bus?.DetailType, event) ?? `Event from aws:${kind}`,
              Detail: text(p),
              Resources: bus?.Resources?.map((r) => dynamicParameter(r, event) ?? r),
              Time: time ? new Date(time) : undefined,
            };
          });
          const failed = await io.putEvents(role, entries);
          if (failed.length)
            throw Object.assign(new Error(`PutEvents failed ${failed.length} entries`), {
              name: "PutEventsFailed",
            });
        }
        return;
      }
      case "sqs": {
        const params = pipe.TargetParameters?.SqsQueueParameters;
        for (const chunk of chunks(
          payloads.map((p, i) => [p, events[i]] as const),
          10,
        ))
          await io.sendMessages(
            role,
            target,
            chunk.map(([p, event]) => ({
              body: text(p),
              groupId: dynamicParameter(params?.MessageGroupId, event),
              deduplicationId: dynamicParameter(params?.MessageDeduplicationId, event),
            })),
          );
        return;
      }
      case "states":
        // Step Functions has no batch API: the batch is one JSON array input.
        await io.startExecution(role, target, JSON.stringify(payloads));
        return;
      case "lambda":
        await io.invokeFunction(
          role,
          target,
          payloads,
          pipe.TargetParameters?.LambdaFunctionParameters?.InvocationType === "FIRE_AND_FORGET"
            ? "Event"
            : "RequestResponse",
        );
        return;
      default:
        throw new Error(`unsupported target ${target}`);
    }
  }

  // ---- DynamoDB stream ----
  const stream = pipe.SourceParameters.DynamoDBStreamParameters ?? {};
  const streamBatchSize = stream.BatchSize ?? 100;
  const maxRetries = stream.MaximumRetryAttempts ?? -1;
  const maxAgeSeconds = stream.MaximumRecordAgeInSeconds ?? -1;

  async function toDeadLetter(
    shardId: string,
    records: StreamRecord[],
    condition: "RetryAttemptsExhausted" | "RecordAgeExceeded",
    attempts: number,
    error?: unknown,
  ) {
    const dlq = stream.DeadLetterConfig?.Arn;
    if (!dlq) {
      options.onError(
        pipe.Name,
        new Error(`${records.length} records dropped (${condition}, no DeadLetterConfig)`),
      );
      return;
    }
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const iso = (r: StreamRecord) =>
      new Date((r.dynamodb.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
    // The batch's location in the stream, as a stream source's on-failure record gives it.
    await io.sendMessages(role, dlq, [
      {
        body: JSON.stringify({
          requestContext: {
            requestId: crypto.randomUUID(),
            pipeArn: pipe.Arn,
            condition,
            approximateInvokeCount: attempts,
          },
          responseContext: error ? errorText(error) : {},
          version: "1.0",
          timestamp: new Date(options.now()).toISOString(),
          DDBStreamBatchInfo: {
            shardId,
            startSequenceNumber: first.dynamodb.SequenceNumber,
            endSequenceNumber: last.dynamodb.SequenceNumber,
            approximateArrivalOfFirstRecord: iso(first),
            approximateArrivalOfLastRecord: iso(last),
            batchSize: records.length,
            streamArn: pipe.Source,
          },
        }),
      },
    ]);
  }

  /** Delivers a batch of one shard, checkpointing when it is done with (target or DLQ). */
  async function deliverStreamBatch(
    shardId: string,
    batch: StreamRecord[],
    retriesLeft: number,
    attempts = 0,
  ): Promise<void> {
    while (running) {
      if (maxAgeSeconds !== -1) {
        const cutoff = options.now() / 1000 - maxAgeSeconds;
        const expired = batch.filter((r) => (r.dynamodb.ApproximateCreationDateTime ?? 0) < cutoff);
        if (expired.length) {
          await toDeadLetter(shardId, expired, "RecordAgeExceeded", attempts);
          batch = batch.filter((r) => !expired.includes(r));
          if (batch.length === 0) return;
        }
      }
      attempts++;
      try {
        await deliver(batch);
        return;
      } catch (error) {
        options.onError(pipe.Name, error);
        if (retriesLeft === 0) {
          await toDeadLetter(shardId, batch, "RetryAttemptsExhausted", attempts, error);
          return;
        }
        if (retriesLeft > 0) retriesLeft--;
        if (stream.OnPartialBatchItemFailure === "AUTOMATIC_BISECT" && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await deliverStreamBatch(shardId, batch.slice(0, half), retriesLeft, attempts);
          await deliverStreamBatch(shardId, batch.slice(half), retriesLeft, attempts);
          return;
        }
        await sleep(
          Math.min(
            options.retryBaseDelayMs * 2 ** Math.min(attempts - 1, 10),
            options.retryMaxDelayMs,
          ),
          controller.signal,
        );
      }
    }
    throw new Error("stopped");
  }

  async function pollStream() {
    const iterators = new Map<string, string | undefined>();
    let shards: StreamShard[] = [];
    let described = 0;
    while (running) {
      try {
        if (Date.now() - described > 5_000 || shards.length === 0) {
          shards = await io.stream.shards(role, pipe.Source);
          described = Date.now();
        }
        let busy = false;
        for (const shard of shards) {
          if (!running) break;
          const state = store.checkpoint(pipe.Name, shard.ShardId);
          if (state?.closed) continue;
          const parent = shard.ParentShardId;
          if (
            parent &&
            shards.some((s) => s.ShardId === parent) &&
            !store.checkpoint(pipe.Name, parent)?.closed
          )
            continue;
          if (!iterators.has(shard.ShardId))
            iterators.set(
              shard.ShardId,
              await io.stream.iterator(
                role,
                pipe.Source,
                shard.ShardId,
                state?.sequenceNumber
                  ? { after: state.sequenceNumber }
                  : { position: stream.StartingPosition ?? "LATEST" },
              ),
            );
          let iterator = iterators.get(shard.ShardId);
          const batch: StreamRecord[] = [];
          const windowEnds = Date.now() + (stream.MaximumBatchingWindowInSeconds ?? 0) * 1000;
          // Gather up to BatchSize records within the batching window.
          while (iterator && running) {
            let out: { records: StreamRecord[]; next?: string };
            try {
              out = await io.stream.records(role, iterator, streamBatchSize - batch.length);
            } catch (error) {
              iterators.delete(shard.ShardId);
              throw error;
            }
            // Each record names its stream, as the documented DynamoDB source event shows.
            batch.push(...out.records.map((r) => ({ ...r, eventSourceARN: pipe.Source })));
            iterator = out.next;
            if (batch.length >= streamBatchSize || Date.now() >= windowEnds || !iterator) break;
            await sleep(options.pollIntervalMs, controller.signal);
          }
          if (!running) break;
          if (batch.length) {
            busy = true;
            inFlight++;
            try {
              const matching = selected(batch);
              if (matching.length) await deliverStreamBatch(shard.ShardId, matching, maxRetries);
            } finally {
              inFlight--;
            }
            store.setCheckpoint(pipe.Name, shard.ShardId, batch.at(-1)!.dynamodb.SequenceNumber);
          }
          if (iterator) iterators.set(shard.ShardId, iterator);
          else {
            // A closed shard is done: its children may start.
            store.setCheckpoint(
              pipe.Name,
              shard.ShardId,
              store.checkpoint(pipe.Name, shard.ShardId)?.sequenceNumber ?? null,
              true,
            );
            iterators.delete(shard.ShardId);
            described = 0;
          }
        }
        options.stateReason(pipe.Name, undefined);
        if (!busy) await sleep(options.pollIntervalMs, controller.signal);
      } catch (error) {
        if (!running) return;
        options.onError(pipe.Name, error);
        options.stateReason(pipe.Name, sourceFailure(error));
        iterators.clear();
        await sleep(1_000, controller.signal);
      }
    }
  }

  // ---- SQS ----
  const queue = pipe.SourceParameters.SqsQueueParameters ?? {};
  const queueBatchSize = queue.BatchSize ?? 10;

  async function gather(): Promise<QueueRecord[]> {
    const batch = await io.queue.receive(
      role,
      pipe.Source,
      Math.min(10, queueBatchSize),
      options.queueWaitSeconds,
      receives.signal,
    );
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + (queue.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    while (batch.length < queueBatchSize && running) {
      const left = windowEnds - Date.now();
      if (left <= 0) break;
      const more = await io.queue.receive(
        role,
        pipe.Source,
        Math.min(10, queueBatchSize - batch.length),
        Math.min(20, Math.ceil(left / 1000)),
        receives.signal,
      );
      batch.push(...more);
    }
    return batch;
  }

  async function pollQueue() {
    while (running) {
      try {
        const batch = await gather();
        options.stateReason(pipe.Name, undefined);
        if (batch.length === 0) continue;
        inFlight++;
        try {
          const matching = selected(batch);
          const dropped = batch.filter((r) => !matching.includes(r));
          let done = dropped;
          try {
            if (matching.length) await deliver(matching);
            done = batch;
          } catch (error) {
            // Left on the queue: back after the visibility timeout, to the queue's DLQ at maxReceiveCount.
            options.onError(pipe.Name, error);
          }
          if (done.length)
            await io.queue.delete(
              role,
              pipe.Source,
              done.map((r) => r.receiptHandle),
            );
        } finally {
          inFlight--;
        }
      } catch (error) {
        if (!running) return;
        options.onError(pipe.Name, error);
        options.stateReason(pipe.Name, sourceFailure(error));
        await sleep(1_000, controller.signal);
      }
    }
  }

  const loop = kind === "dynamodb" ? pollStream() : pollQueue();
  return {
    async stop(abort = false) {
      running = false;
      controller.abort();
      if (abort) receives.abort();
      await loop;
    },
    inFlight: () => inFlight,
  };
}
