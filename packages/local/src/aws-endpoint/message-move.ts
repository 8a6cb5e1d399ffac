import { randomUUID } from "node:crypto";
import { AwsError } from "../protocol";

// SQS dead-letter queue redrive (StartMessageMoveTask, ListMessageMoveTasks,
// CancelMessageMoveTask), which fauxqs does not implement. A task moves the
// messages that were in the DLQ when it started to the destination (by default
// the source queue whose RedrivePolicy names the DLQ): receive, send, then
// delete — so a crash mid-move can duplicate a message, never lose one.
// Tasks live in memory; a restart forgets finished tasks, not messages.

export type SqsCall = (
  action: string,
  body: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

interface MoveTask {
  taskHandle: string;
  sourceArn: string;
  destinationArn: string;
  maxPerSecond?: number;
  status: "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";
  moved: number;
  toMove: number;
  startedAt: number;
  failureReason?: string;
  done: Promise<void>;
}

const nameOfArn = (arn: string) => arn.split(":")[5] ?? "";

export function createMessageMover(sqs: SqsCall, queueUrlOf: (name: string) => string) {
  const tasks: MoveTask[] = [];

  async function redriveSources(dlqArn: string): Promise<string[]> {
    const { QueueUrls = [] } = (await sqs("ListQueues", { MaxResults: 1000 })) as {
      QueueUrls?: string[];
    };
    const sources: string[] = [];
    for (const url of QueueUrls) {
      const { Attributes = {} } = (await sqs("GetQueueAttributes", {
        QueueUrl: url,
        AttributeNames: ["QueueArn", "RedrivePolicy"],
      })) as { Attributes?: Record<string, string> };
      if (!Attributes.RedrivePolicy) continue;
      const policy = JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string };
      if (policy.deadLetterTargetArn === dlqArn && Attributes.QueueArn)
        sources.push(Attributes.QueueArn);
    }
    return sources;
  }

  async function run(task: MoveTask) {
    const source = queueUrlOf(nameOfArn(task.sourceArn));
    const destination = queueUrlOf(nameOfArn(task.destinationArn));
    const started = Date.now();
    while (task.status === "RUNNING" && task.moved < task.toMove) {
      const want = Math.min(10, task.toMove - task.moved);
      const { Messages = [] } = (await sqs("ReceiveMessage", {
        QueueUrl: source,
        MaxNumberOfMessages: want,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
      })) as { Messages?: Array<Record<string, unknown>> };
      if (Messages.length === 0) break;
      const out = (await sqs("SendMessageBatch", {
        QueueUrl: destination,
        Entries: Messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body,
          ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}),
        })),
      })) as {
        Successful?: Array<{ Id: string }>;
        Failed?: Array<{ Id: string; Message?: string }>;
      };
      const sent = new Set((out.Successful ?? []).map((s) => Number(s.Id)));
      if (sent.size) {
        await sqs("DeleteMessageBatch", {
          QueueUrl: source,
          Entries: Messages.flatMap((m, i) =>
            sent.has(i) ? [{ Id: String(i), ReceiptHandle: m.ReceiptHandle }] : [],
          ),
        });
      }
      task.moved += sent.size;
      if (out.Failed?.length) throw new Error(out.Failed[0]?.Message ?? "SendMessageBatch failed");
      if (task.maxPerSecond) {
        const due = started + (task.moved / task.maxPerSecond) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
    }
    task.status = task.status === "CANCELLING" ? "CANCELLED" : "COMPLETED";
  }

  const view = (t: MoveTask) => ({
    ...(t.status === "RUNNING" ? { TaskHandle: t.taskHandle } : {}),
    Status: t.status,
    SourceArn: t.sourceArn,
    DestinationArn: t.destinationArn,
    ...(t.maxPerSecond ? { MaxNumberOfMessagesPerSecond: t.maxPerSecond } : {}),
    ApproximateNumberOfMessagesMoved: t.moved,
    ApproximateNumberOfMessagesToMove: t.toMove,
    ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
    StartedTimestamp: t.startedAt,
  });

  return {
    async start(body: Record<string, unknown>) {
      const sourceArn = body.SourceArn;
      if (typeof sourceArn !== "string" || !sourceArn.startsWith("arn:aws:sqs:")) {
        throw new AwsError(
          "InvalidParameterValue",
          "Value for parameter SourceArn is invalid. Reason: must be an SQS queue ARN.",
          400,
          "InvalidParameterValue",
        );
      }
      const maxPerSecond = body.MaxNumberOfMessagesPerSecond;
      if (
        maxPerSecond !== undefined &&
        (typeof maxPerSecond !== "number" || maxPerSecond < 1 || maxPerSecond > 500)
      ) {
        throw new AwsError(
          "InvalidParameterValue",
          "MaxNumberOfMessagesPerSecond must be between 1 and 500.",
          400,
          "InvalidParameterValue",
        );
      }
      const sourceUrl = queueUrlOf(nameOfArn(sourceArn));
      const { Attributes = {} } = (await sqs("GetQueueAttributes", {
        QueueUrl: sourceUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      })) as { Attributes?: Record<string, string> };
      let destinationArn = body.DestinationArn as string | undefined;
      if (destinationArn === undefined) {
        const sources = await redriveSources(sourceArn);
        if (sources.length === 0) {
          throw new AwsError(
            "InvalidParameterValue",
            `Source queue ${sourceArn} is not a dead-letter queue of any queue.`,
            400,
            "InvalidParameterValue",
          );
        }
        if (sources.length > 1) {
          throw new AwsError(
            "InvalidParameterValue",
            "The dead-letter queue has several source queues: set DestinationArn.",
            400,
            "InvalidParameterValue",
          );
        }
        destinationArn = sources[0]!;
      } else {
        await sqs("GetQueueAttributes", {
          QueueUrl: queueUrlOf(nameOfArn(destinationArn)),
          AttributeNames: ["QueueArn"],
        });
      }
      if (
        tasks.some(
          (t) => t.sourceArn === sourceArn && (t.status === "RUNNING" || t.status === "CANCELLING"),
        )
      ) {
        throw new AwsError(
          "UnsupportedOperation",
          "A message movement task is already running on this queue.",
          400,
          "AWS.SimpleQueueService.UnsupportedOperation",
        );
      }
      const task: MoveTask = {
        taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString(
          "base64",
        ),
        sourceArn,
        destinationArn,
        ...(typeof maxPerSecond === "number" ? { maxPerSecond } : {}),
        status: "RUNNING",
        moved: 0,
        toMove: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        startedAt: Date.now(),
        done: Promise.resolve(),
      };
      task.done = run(task).catch((error: Error) => {
        task.status = "FAILED";
        task.failureReason = error.message;
      });
      tasks.unshift(task);
      return { TaskHandle: task.taskHandle };
    },
    list(body: Record<string, unknown>) {
      const sourceArn = body.SourceArn;
      if (typeof sourceArn !== "string") {
        throw new AwsError(
          "InvalidParameterValue",
          "SourceArn is required.",
          400,
          "InvalidParameterValue",
        );
      }
      const max = Math.min(10, Math.max(1, Number(body.MaxResults ?? 1)));
      return {
        Results: tasks
          .filter((t) => t.sourceArn === sourceArn)
          .slice(0, max)
          .map(view),
      };
    },
    cancel(body: Record<string, unknown>) {
      const task = tasks.find((t) => t.taskHandle === body.TaskHandle);
      if (!task)
        throw new AwsError(
          "ResourceNotFoundException",
          "Task does not exist.",
          400,
          "ResourceNotFoundException",
        );
      if (task.status !== "RUNNING") {
        throw new AwsError(
          "UnsupportedOperation",
          `Task is ${task.status}.`,
          400,
          "AWS.SimpleQueueService.UnsupportedOperation",
        );
      }
      task.status = "CANCELLING";
      return { ApproximateNumberOfMessagesMoved: task.moved };
    },
    /** Resolves when every task has stopped (tests, shutdown). */
    async idle() {
      await Promise.all(tasks.map((t) => t.done));
    },
  };
}
