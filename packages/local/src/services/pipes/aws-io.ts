// The PipeIo of the local cloud: SDK v3 clients on its endpoint, one set per
// pipe role (the endpoint's IAM reads the caller from the access key id, so
// every call a pipe makes is evaluated as its role). Stream records are given
// back in the DynamoDB Streams wire shape (epoch-second times, base64 binary),
// SQS messages in the record shape Pipes documents for an SQS source.
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type Credentials, clientsPerKey, processCredentials } from "../../protocol";
import type { PipeIo, QueueRecord, StreamRecord, StreamShard } from "./types";

export interface AwsPipeIoOptions {
  endpoint: string;
  region: string;
  /** The credentials a pipe's calls are made with, from its RoleArn. */
  credentials: (roleArn: string) => Credentials;
  /** Who looks up queue URLs (no secret of a queue's policy): default the process. */
  lookupCredentials?: Credentials;
}

/** Dates back to epoch seconds and bytes back to base64, as the JSON wire has them. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, wire(v)]),
    );
  return value;
}

const failure = (name: string, message: string) => Object.assign(new Error(message), { name });

export function createAwsPipeIo(options: AwsPipeIoOptions): PipeIo & { destroy(): void } {
  const make = (credentials: Credentials) => {
    // Pipes retries by its own rules: one SDK attempt per call.
    const config = {
      endpoint: options.endpoint,
      region: options.region,
      credentials,
      maxAttempts: 1,
    };
    return {
      streams: new DynamoDBStreamsClient(config),
      sqs: new SQSClient(config),
      events: new EventBridgeClient(config),
      lambda: new LambdaClient(config),
      sfn: new SFNClient(config),
    };
  };
  // Each pipe calls as its role.
  const perKey = clientsPerKey(make);
  const as = (roleArn: string) => perKey.of(options.credentials(roleArn));
  const lookup = new SQSClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.lookupCredentials ?? processCredentials(),
  });
  const urls = new Map<string, string>();
  async function queueUrl(queueArn: string) {
    const known = urls.get(queueArn);
    if (known) return known;
    const [, , , , account, name] = queueArn.split(":");
    const out = await lookup.send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
    );
    urls.set(queueArn, out.QueueUrl!);
    return out.QueueUrl!;
  }

  return {
    stream: {
      async shards(roleArn, streamArn) {
        const all: StreamShard[] = [];
        let start: string | undefined;
        do {
          const out = await as(roleArn).streams.send(
            new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
          );
          for (const s of out.StreamDescription?.Shards ?? [])
            all.push({ ShardId: s.ShardId!, ParentShardId: s.ParentShardId });
          start = out.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        return all;
      },
      async iterator(roleArn, streamArn, shardId, from) {
        const out = await as(roleArn).streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...("after" in from
              ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: from.after }
              : { ShardIteratorType: from.position }),
          }),
        );
        return out.ShardIterator;
      },
      async records(roleArn, iterator, limit) {
        const out = await as(roleArn).streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }),
        );
        return {
          records: (out.Records ?? []).map((r) => wire(r) as StreamRecord),
          next: out.NextShardIterator,
        };
      },
    },
    queue: {
      async receive(roleArn, queueArn, max, waitSeconds, signal) {
        const url = await queueUrl(queueArn);
        const out = await as(roleArn).sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: max,
            WaitTimeSeconds: waitSeconds,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: signal },
        );
        return (out.Messages ?? []).map(
          (m): QueueRecord => ({
            messageId: m.MessageId!,
            receiptHandle: m.ReceiptHandle!,
            body: m.Body ?? "",
            attributes: { ...(m.Attributes ?? {}) },
            messageAttributes: wire(m.MessageAttributes ?? {}),
            md5OfBody: m.MD5OfBody,
            eventSource: "aws:sqs",
            eventSourceARN: queueArn,
            awsRegion: options.region,
          }),
        );
      },
      async delete(roleArn, queueArn, receiptHandles) {
        const url = await queueUrl(queueArn);
        for (let i = 0; i < receiptHandles.length; i += 10)
          await as(roleArn).sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: receiptHandles
                .slice(i, i + 10)
                .map((h, j) => ({ Id: String(j), ReceiptHandle: h })),
            }),
          );
      },
    },
    async invokeFunction(roleArn, functionArn, payload, type) {
      const out = await as(roleArn).lambda.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: type,
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      );
      const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
      if (out.FunctionError) throw failure("FunctionError", `${out.FunctionError}: ${text}`);
      if (type === "Event" || !text) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    },
    async putEvents(roleArn, entries) {
      const out = await as(roleArn).events.send(new PutEventsCommand({ Entries: entries }));
      return (out.Entries ?? []).flatMap((e, i) => (e.ErrorCode ? [i] : []));
    },
    async sendMessages(roleArn, queueArn, messages) {
      const url = await queueUrl(queueArn);
      const out = await as(roleArn).sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: messages.map((m, i) => ({
            Id: String(i),
            MessageBody: m.body,
            MessageGroupId: m.groupId,
            MessageDeduplicationId: m.deduplicationId,
          })),
        }),
      );
      if (out.Failed?.length)
        throw failure(
          out.Failed[0]!.Code ?? "SendMessageBatchFailed",
          out.Failed[0]!.Message ?? "SendMessageBatch failed",
        );
    },
    async startExecution(roleArn, stateMachineArn, input) {
      await as(roleArn).sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    },
    destroy() {
      lookup.destroy();
      for (const set of perKey.all()) for (const client of Object.values(set)) client.destroy();
    },
  };
}
