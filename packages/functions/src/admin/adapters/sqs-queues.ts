import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import {
  type DlqName,
  type DlqSpec,
  holdsServiceEvents,
  type QueueName,
  queues as topologyQueues,
  type WorkQueueSpec,
} from "@orders/core/topology";
import { describeDeadLetter, eventForBus } from "../dead-letter";
import type { QueuesPort } from "../ports";
import type { QueueDepth, RedriveResult } from "../schemas";

export interface SqsQueuesDeps {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  queue: (name: QueueName) => { url: string; arn: string };
  busName: () => string;
  /** Age of the oldest message of a work queue (CloudWatch); null when it has no datapoint. */
  workQueueAge: (name: QueueName, url: string) => Promise<number | null>;
}

const entries = Object.entries(topologyQueues) as [QueueName, WorkQueueSpec | DlqSpec][];
const sourceOf = (dlq: DlqName) =>
  entries.find(([, spec]) => spec.kind === "work" && spec.dlq === dlq)?.[0];

/**
 * A move task's orders are journaled for the first this many dead letters; a
 * larger DLQ still moves whole, its later orders without a REDRIVE entry.
 */
const JOURNAL_AT_MOST = 100;

export function sqsQueues(deps: SqsQueuesDeps): QueuesPort {
  const receive = (url: string, visibility: number, wait = 0) =>
    deps.sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: visibility,
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      )
      .then((r) => r.Messages ?? []);

  const peekMessages = async (url: string, max: number) => {
    const seen = new Map<string, Message>();
    // Visibility 0 may hand back the same messages; stop when a round adds nothing.
    for (let round = 0; round < Math.ceil(max / 10) + 2 && seen.size < max; round++) {
      const batch = await receive(url, 0);
      const before = seen.size;
      for (const m of batch) if (m.MessageId && seen.size < max) seen.set(m.MessageId, m);
      if (seen.size === before) break;
    }
    return [...seen.values()];
  };

  /** Deliver one dead letter back where it came from, then delete it from the DLQ. */
  const redeliver = async (dlq: DlqName, message: Message) => {
    const source = sourceOf(dlq);
    if (source) {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.queue(source).url,
          MessageBody: message.Body ?? "",
          MessageAttributes: message.MessageAttributes as
            | Record<string, MessageAttributeValue>
            | undefined,
        }),
      );
    } else {
      const event = eventForBus(message.Body);
      if (!event) throw new Error("not an EventBridge event");
      const result = await deps.eventBridge.send(
        new PutEventsCommand({ Entries: [{ ...event, EventBusName: deps.busName() }] }),
      );
      if (result.FailedEntryCount)
        throw new Error(result.Entries?.[0]?.ErrorMessage ?? "PutEvents failed");
    }
    await deps.sqs.send(
      new DeleteMessageCommand({
        QueueUrl: deps.queue(dlq).url,
        ReceiptHandle: message.ReceiptHandle,
      }),
    );
  };

  /** Take messages (hidden for 60 s while we work) and redeliver the chosen ones. */
  const moveByCopy = async (dlq: DlqName, wanted?: Set<string>) => {
    const url = deps.queue(dlq).url;
    const result: RedriveResult = {
      mode: sourceOf(dlq) ? "move-by-copy" : "put-events",
      moved: 0,
      failed: [],
      orders: [],
    };
    const skipped: Message[] = [];
    const found = new Set<string>();
    for (let round = 0; round < 100; round++) {
      const batch = await receive(url, 60);
      if (batch.length === 0) break;
      for (const message of batch) {
        const id = message.MessageId ?? "";
        if (wanted && !wanted.has(id)) {
          skipped.push(message);
          continue;
        }
        found.add(id);
        try {
          await redeliver(dlq, message);
          result.moved++;
          const described = describeDeadLetter(message);
          if (described.orderId) {
            result.orders.push({
              orderId: described.orderId,
              correlationId: described.correlationId,
            });
          }
        } catch (error) {
          result.failed.push({ messageId: id, reason: (error as Error).message });
        }
      }
      if (wanted && found.size === wanted.size) break;
    }
    // Put back what we looked at but were not asked to move: visible again in
    // a second.
    await Promise.all(
      skipped.map((m) =>
        deps.sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: url,
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: 1,
            }),
          )
          .catch(() => undefined),
      ),
    );
    for (const id of wanted ?? []) {
      if (!found.has(id))
        result.failed.push({
          messageId: id,
          reason: "not in the DLQ (already redriven or expired?)",
        });
    }
    return result;
  };

  return {
    async depths() {
      return Promise.all(
        entries.map(async ([name, spec]): Promise<QueueDepth> => {
          const { url } = deps.queue(name);
          const { Attributes = {} } = await deps.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: [
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed",
              ],
            }),
          );
          const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
          let oldestAgeSeconds: number | null = null;
          let oldestAgeError: string | undefined;
          if (spec.kind === "dlq") {
            // A DLQ has no consumer and no redrive policy, so looking costs nothing.
            // In-flight dead letters count: they are being peeked or redriven.
            if (visible + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) > 0) {
              const sent = (await peekMessages(url, 10))
                .map((m) => Number(m.Attributes?.SentTimestamp))
                .filter(Number.isFinite);
              oldestAgeSeconds = sent.length
                ? Math.round((Date.now() - Math.min(...sent)) / 1000)
                : null;
            } else {
              oldestAgeSeconds = 0;
            }
          } else {
            // Never peek a work queue: each receive counts towards maxReceiveCount.
            // A failure is the console's to show (and the operator's to fix, e.g. a
            // missing cloudwatch:GetMetricData grant), not a silent "n/a".
            try {
              oldestAgeSeconds = await deps.workQueueAge(name, url);
            } catch (error) {
              oldestAgeError = `${(error as Error).name}: ${(error as Error).message}`;
            }
          }
          const base = {
            name,
            physicalName: url.slice(url.lastIndexOf("/") + 1),
            kind: spec.kind,
            visible,
            inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
            delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
            oldestAgeSeconds,
            ...(oldestAgeError ? { oldestAgeError } : {}),
          };
          if (spec.kind === "work") {
            return {
              ...base,
              dlq: spec.dlq,
              consumer: spec.consumer.function,
              maxReceiveCount: spec.maxReceiveCount,
            };
          }
          const source = sourceOf(name as DlqName);
          return {
            ...base,
            catches: spec.catches,
            ...(source ? { source } : {}),
            redrive:
              spec.catches === "stream-failures" || holdsServiceEvents(name)
                ? "none"
                : source
                  ? "move-to-source"
                  : "put-events",
          };
        }),
      );
    },

    async peek(dlq, max) {
      return (await peekMessages(deps.queue(dlq).url, max)).map(describeDeadLetter);
    },

    async redriveAll(dlq) {
      const source = sourceOf(dlq);
      if (!source) return moveByCopy(dlq);
      // SQS's move task runs out of sight and reports counts only; the orders
      // it moves are read first (a peek, visibility 0, so the task still finds
      // every message), for the route to put the redrive on their timelines.
      const orders = new Map<string, RedriveResult["orders"][number]>();
      for (const message of await peekMessages(deps.queue(dlq).url, JOURNAL_AT_MOST)) {
        const { orderId, correlationId } = describeDeadLetter(message);
        if (orderId) orders.set(orderId, { orderId, correlationId });
      }
      // What the task will move: counted before it starts, as it may finish first.
      const { Attributes = {} } = await deps.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: deps.queue(dlq).url,
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      const { TaskHandle } = await deps.sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: deps.queue(dlq).arn,
          DestinationArn: deps.queue(source).arn,
        }),
      );
      return {
        mode: "move-task",
        moved: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        ...(TaskHandle ? { taskHandle: TaskHandle } : {}),
        failed: [],
        orders: [...orders.values()],
      };
    },

    async redriveSelected(dlq, messageIds) {
      return moveByCopy(dlq, new Set(messageIds));
    },
  };
}
