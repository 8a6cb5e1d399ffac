import type { Chaos } from "../chaos";
import type { LambdaRunner } from "../lambda/runner";
import { compilePattern } from "../services/eventbridge";
import type { Checkpoints } from "./checkpoints";
import type { EventSourceMapping } from "./sqs";

// A DynamoDB Streams event source mapping, as Lambda runs one: every shard read
// in order (a child after its parent), batches of up to BatchSize, retries up to
// MaximumRetryAttempts, BisectBatchOnFunctionError splitting a failing batch to
// isolate the bad record, ReportBatchItemFailures resuming from the first
// reported failure, and a batch that exhausts its retries sent to the on-failure
// destination as AWS describes it (DDBStreamBatchInfo), then skipped. The
// checkpoint per shard is durable, so a restart resumes after the last record
// handled. Records are read over the raw JSON protocol so they reach the handler
// exactly as on the wire (epoch-second timestamps, {"S": …} values). With
// FilterCriteria, only records matching a filter (EventBridge's pattern
// language, over the record as delivered) reach the function; the others are
// passed over and checkpointed, as Lambda drops them.

export type DynamoCall = (
  target: string,
  body: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

export interface StreamRecord {
  eventID: string;
  eventName: string;
  dynamodb: { SequenceNumber: string; ApproximateCreationDateTime?: number; [k: string]: unknown };
  [k: string]: unknown;
}

export interface StreamMappingOptions {
  /** Checkpoint key: the mapping's name. */
  name: string;
  dynamodb: DynamoCall;
  tableName: string;
  functionName: string;
  runner: LambdaRunner;
  checkpoints: Checkpoints;
  batchSize: number;
  startingPosition: "TRIM_HORIZON" | "LATEST";
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  /** FilterCriteria patterns: a record reaches the function if it matches any. */
  filters?: readonly Record<string, unknown>[];
  /** Sends the on-failure record (JSON) to the destination queue. */
  onFailure: (record: string) => Promise<void>;
  region: string;
  /** Pause between empty polls (Lambda polls each shard four times a second). */
  pollIntervalMs?: number;
  /** First retry delay, doubled per attempt. */
  retryBaseDelayMs?: number;
  onError?: (error: unknown) => void;
  /** Chaos mode (packages/local/src/chaos): duplicate batches, crashes before the checkpoint. */
  chaos?: Pick<Chaos, "streamBatch">;
}

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createStreamMapping(options: StreamMappingOptions): EventSourceMapping {
  let running = false;
  let loop: Promise<void> | undefined;
  const stats = { batches: 0, records: 0, failedRecords: 0, inFlight: 0 };
  const pollInterval = options.pollIntervalMs ?? 250;
  const filters = options.filters?.map((pattern) => compilePattern(pattern));
  const selected = (records: StreamRecord[]) =>
    filters ? records.filter((r) => filters.some((f) => f.matches(r))) : records;
  const retryBase = options.retryBaseDelayMs ?? 100;
  const ddb = options.dynamodb;
  const streams = (action: string, body: Record<string, unknown>) =>
    ddb(`DynamoDBStreams_20120810.${action}`, body);

  async function streamArn(): Promise<string> {
    const out = (await ddb("DynamoDB_20120810.DescribeTable", {
      TableName: options.tableName,
    })) as {
      Table?: { LatestStreamArn?: string };
    };
    const arn = out.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${options.tableName} has no stream`);
    return arn;
  }

  async function shards(arn: string): Promise<Shard[]> {
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const out = (await streams("DescribeStream", {
        StreamArn: arn,
        ...(start ? { ExclusiveStartShardId: start } : {}),
      })) as {
        StreamDescription?: { Shards?: Shard[]; LastEvaluatedShardId?: string };
      };
      all.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return all;
  }

  const invokeCount = new Map<string, number>();

  async function sendToDestination(
    arn: string,
    shardId: string,
    records: StreamRecord[],
    attempts: number,
    result: { functionError?: string },
  ) {
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const iso = (r: StreamRecord) =>
      new Date((r.dynamodb.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000).toISOString();
    await options.onFailure(
      JSON.stringify({
        requestContext: {
          requestId: crypto.randomUUID(),
          functionArn: options.runner.functionArn(options.functionName),
          condition: "RetryAttemptsExhausted",
          approximateInvokeCount: attempts,
        },
        responseContext: {
          statusCode: 200,
          executedVersion: "$LATEST",
          ...(result.functionError ? { functionError: result.functionError } : {}),
        },
        version: "1.0",
        timestamp: new Date().toISOString(),
        DDBStreamBatchInfo: {
          shardId,
          startSequenceNumber: first.dynamodb.SequenceNumber,
          endSequenceNumber: last.dynamodb.SequenceNumber,
          approximateArrivalOfFirstRecord: iso(first),
          approximateArrivalOfLastRecord: iso(last),
          batchSize: records.length,
          streamArn: arn,
        },
      }),
    );
    stats.failedRecords += records.length;
  }

  /**
   * Delivers `records` (in order), checkpointing as they are handled. `retriesLeft`
   * counts down on each failed attempt, split or not.
   */
  async function deliver(
    arn: string,
    shardId: string,
    records: StreamRecord[],
    retriesLeft: number,
    attempts = 0,
  ): Promise<void> {
    let batch = records;
    while (batch.length && running) {
      attempts++;
      stats.inFlight++;
      const event = { Records: batch.map((r) => ({ ...r, eventSourceARN: arn })) };
      const result = await options.runner
        .invoke(options.functionName, event)
        .finally(() => stats.inFlight--);
      // Chaos mode: the batch delivered twice, or the invocation "crashing" after
      // its effects and before the checkpoint, so the same batch comes again.
      const chaos = options.chaos?.streamBatch(options.name);
      if (chaos?.duplicate) await options.runner.invoke(options.functionName, event);
      stats.batches++;
      let failedAt = -1;
      if (result.functionError) failedAt = 0;
      else if (options.reportBatchItemFailures) {
        const failures =
          (result.payload as { batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null)
            ?.batchItemFailures ?? [];
        if (failures.length) {
          const positions = failures.map((f) =>
            batch.findIndex((r) => r.dynamodb.SequenceNumber === f.itemIdentifier),
          );
          // An unknown identifier fails the whole batch, as on AWS.
          failedAt = positions.some((p) => p < 0) ? 0 : Math.min(...positions);
        }
      }
      if (failedAt < 0 && chaos?.crashAfterEffect) continue;
      if (failedAt < 0) {
        stats.records += batch.length;
        options.checkpoints.set(
          options.name,
          shardId,
          batch[batch.length - 1]!.dynamodb.SequenceNumber,
        );
        return;
      }
      if (failedAt > 0) {
        stats.records += failedAt;
        options.checkpoints.set(
          options.name,
          shardId,
          batch[failedAt - 1]!.dynamodb.SequenceNumber,
        );
        batch = batch.slice(failedAt);
      }
      if (retriesLeft <= 0) {
        await sendToDestination(arn, shardId, batch, attempts, result);
        options.checkpoints.set(
          options.name,
          shardId,
          batch[batch.length - 1]!.dynamodb.SequenceNumber,
        );
        return;
      }
      retriesLeft--;
      if (result.functionError && options.bisectBatchOnFunctionError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await deliver(arn, shardId, batch.slice(0, half), retriesLeft, attempts);
        await deliver(arn, shardId, batch.slice(half), retriesLeft, attempts);
        return;
      }
      await sleep(Math.min(retryBase * 2 ** Math.min(attempts - 1, 6), 5_000));
    }
  }

  async function iteratorFor(arn: string, shardId: string): Promise<string | undefined> {
    const checkpoint = options.checkpoints.get(options.name, shardId);
    const out = (await streams("GetShardIterator", {
      StreamArn: arn,
      ShardId: shardId,
      ...(checkpoint?.sequenceNumber
        ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: checkpoint.sequenceNumber }
        : { ShardIteratorType: options.startingPosition }),
    })) as { ShardIterator?: string };
    return out.ShardIterator;
  }

  async function run() {
    const iterators = new Map<string, string | undefined>();
    let arn = "";
    let lastDescribe = 0;
    let known: Shard[] = [];
    while (running) {
      try {
        if (!arn) arn = await streamArn();
        if (Date.now() - lastDescribe > 5_000 || known.length === 0) {
          known = await shards(arn);
          lastDescribe = Date.now();
        }
        let gotRecords = false;
        for (const shard of known) {
          if (!running) break;
          const state = options.checkpoints.get(options.name, shard.ShardId);
          if (state?.closed) continue;
          const parent = shard.ParentShardId;
          if (
            parent &&
            known.some((s) => s.ShardId === parent) &&
            !options.checkpoints.get(options.name, parent)?.closed
          )
            continue;
          if (!iterators.has(shard.ShardId))
            iterators.set(shard.ShardId, await iteratorFor(arn, shard.ShardId));
          const iterator = iterators.get(shard.ShardId);
          if (!iterator) {
            options.checkpoints.set(
              options.name,
              shard.ShardId,
              state?.sequenceNumber ?? null,
              true,
            );
            continue;
          }
          let out: { Records?: StreamRecord[]; NextShardIterator?: string };
          try {
            out = (await streams("GetRecords", {
              ShardIterator: iterator,
              Limit: options.batchSize,
            })) as typeof out;
          } catch (error) {
            // An expired iterator is fetched again from the checkpoint.
            iterators.delete(shard.ShardId);
            throw error;
          }
          const records = out.Records ?? [];
          if (records.length) {
            gotRecords = true;
            const matching = selected(records);
            if (matching.length)
              await deliver(arn, shard.ShardId, matching, options.maximumRetryAttempts);
            if (!running) break;
            // Records the filters passed over are done with too.
            if (matching.length < records.length)
              options.checkpoints.set(
                options.name,
                shard.ShardId,
                records[records.length - 1]!.dynamodb.SequenceNumber,
              );
          }
          if (out.NextShardIterator) iterators.set(shard.ShardId, out.NextShardIterator);
          else {
            options.checkpoints.set(
              options.name,
              shard.ShardId,
              options.checkpoints.get(options.name, shard.ShardId)?.sequenceNumber ?? null,
              true,
            );
            iterators.delete(shard.ShardId);
            lastDescribe = 0;
          }
        }
        if (!gotRecords) await sleep(pollInterval);
      } catch (error) {
        if (!running) return;
        options.onError?.(error);
        arn = "";
        await sleep(1_000);
      }
    }
  }

  void invokeCount;
  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      await loop;
    },
    stats: () => ({ ...stats }),
  };
}

/**
 * A raw DynamoDB JSON-protocol caller (for streams: records stay in wire format),
 * as `accessKeyId`: the mapping reads the stream with its function's role.
 */
export function dynamoCaller(endpoint: string, region: string, accessKeyId = "local"): DynamoCall {
  return async (target, body) => {
    // On AWS a mapping is created with its stream's ARN; finding that ARN is the
    // local cloud's set-up, not a call the function's role makes.
    const caller = target === "DynamoDB_20120810.DescribeTable" ? "local" : accessKeyId;
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": target,
        authorization: `AWS4-HMAC-SHA256 Credential=${caller}/20240101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 400) {
      const type = String(json.__type ?? "Error").replace(/^.*#/, "");
      throw Object.assign(new Error(String(json.message ?? json.Message ?? type)), { name: type });
    }
    return json;
  };
}
