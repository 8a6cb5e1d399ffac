import { type QueueName, queues as queueSpecs } from "../packages/core/src/topology";
import { offerGrantTargets } from "./functions";

// SQS queues from the topology: every work queue redrives to its DLQ after
// maxReceiveCount receives; DLQs keep messages 14 days so failures wait for us.

// Handlers see a queue's URL and ARN (`QueueLink`); the ARN is what a DLQ
// redrive (StartMessageMoveTask) names. SST's own Queue link carries only the URL.
// What a function may do on a queue is the topology's grants, not the link's.
sst.Linkable.wrap(sst.aws.Queue, (queue) => ({
  properties: { url: queue.url, arn: queue.arn },
}));

const names = Object.keys(queueSpecs) as QueueName[];
const built: Partial<Record<QueueName, sst.aws.Queue>> = {};

// DLQs first: work queues name theirs in the redrive policy.
for (const name of names) {
  const spec = queueSpecs[name];
  if (spec.kind !== "dlq") continue;
  built[name] = new sst.aws.Queue(name, {
    transform: { queue: { messageRetentionSeconds: spec.retentionSeconds } },
  });
}
for (const name of names) {
  const spec = queueSpecs[name];
  if (spec.kind !== "work") continue;
  const dlq = built[spec.dlq];
  if (!dlq) throw new Error(`queue ${name}: its DLQ ${spec.dlq} is not a DLQ in the topology`);
  built[name] = new sst.aws.Queue(name, {
    visibilityTimeout: `${spec.visibilityTimeoutSeconds} seconds`,
    dlq: { queue: dlq.arn, retry: spec.maxReceiveCount },
    transform: { queue: { messageRetentionSeconds: spec.retentionSeconds } },
  });
}

export const queues = built as Record<QueueName, sst.aws.Queue>;
offerGrantTargets(
  Object.fromEntries(Object.entries(queues).map(([name, queue]) => [name, queue.arn])),
);
