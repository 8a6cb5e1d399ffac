import { notifications as spec, type WorkQueueName } from "../packages/core/src/topology";
import { queues } from "./queues";

// The notifications topic fans out to one SQS queue per channel. EventBridge
// cannot set SNS message attributes, so each subscription filters on the
// message body (the raw EventBridge event) and delivers it raw.

export const topic = new sst.aws.SnsTopic(spec.topic);

const channels = Object.keys(spec.subscriptions) as (keyof typeof spec.subscriptions &
  WorkQueueName)[];

// SST gives each subscribed queue a policy that lets any SNS topic (and S3 and
// EventBridge) send to it; narrow it to this topic. The policy is created
// inside the subscriber component, so this is the one place to reach it.
const subscriberPolicies = new Map<string, sst.aws.Queue>(
  channels.map((queue) => [`${spec.topic}Subscriber${queue}Policy`, queues[queue]]),
);
$transform(aws.sqs.QueuePolicy, (args, _opts, name) => {
  const queue = subscriberPolicies.get(name);
  if (!queue) return;
  args.policy = aws.iam.getPolicyDocumentOutput({
    statements: [
      {
        sid: "NotificationsTopicOnly",
        actions: ["sqs:SendMessage"],
        resources: [queue.arn],
        principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
        conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [topic.arn] }],
      },
    ],
  }).json;
});

export const subscriptions = channels.map((queue) =>
  topic.subscribeQueue(queue, queues[queue], {
    filter: spec.subscriptions[queue],
    transform: {
      subscription: (args) => {
        args.filterPolicyScope = "MessageBody";
        args.rawMessageDelivery = true;
      },
    },
  }),
);
