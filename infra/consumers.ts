import {
  type FunctionName,
  queues as queueSpecs,
  type WorkQueueName,
} from "../packages/core/src/topology";
import { policy } from "./config";
import { defineFunction, functionNamed, type LinkTargets } from "./functions";
import { notificationProvider } from "./notification-sandbox";
import { paymentProvider } from "./payment-sandbox";
import { queues } from "./queues";
import { tables } from "./storage";
import { eventSources } from "./wiring";

// Queue consumers: one Lambda per topology function, subscribed to each queue
// it drains with the topology's batch size and window, partial batch
// responses, and a maximum concurrency so a backlog cannot starve the account
// or flood what the consumer calls.

const targets: LinkTargets = {
  ...tables,
  ...queues,
  PaymentProvider: paymentProvider,
  NotificationProvider: notificationProvider,
  OrderPolicy: policy,
};

/** What the event source mapping does on the function's behalf, on every queue it drains. */
function drainPermissions(name: FunctionName): sst.aws.FunctionPermissionArgs[] {
  return [
    {
      actions: [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
      ],
      resources: eventSources(name).consumes.map((queue) => queues[queue].arn),
    },
  ];
}

/** Subscribes the queue's topology consumer, by ARN (so the notifier, on two queues, stays one Lambda). */
function drain(queueName: WorkQueueName, fn: sst.aws.Function) {
  const { consumer } = queueSpecs[queueName];
  if (functionNamed(consumer.function) !== fn)
    throw new Error(`${queueName} is drained by ${consumer.function} in the topology`);
  return queues[queueName].subscribe(fn.arn, {
    batch: {
      size: consumer.batchSize,
      window: `${consumer.batchingWindowSeconds} seconds`,
      partialResponses: consumer.reportBatchItemFailures,
    },
    transform: {
      eventSourceMapping: (args) => {
        args.scalingConfig = { maximumConcurrency: consumer.maxConcurrency };
      },
    },
  });
}

export const paymentWorker = defineFunction("PaymentWorker", targets, {
  permissions: drainPermissions("PaymentWorker"),
});
export const paymentQueueSubscription = drain("PaymentQueue", paymentWorker);

export const approvalsWorker = defineFunction("ApprovalsWorker", targets, {
  permissions: drainPermissions("ApprovalsWorker"),
});
export const approvalsQueueSubscription = drain("ApprovalsQueue", approvalsWorker);

export const notifier = defineFunction("Notifier", targets, {
  permissions: drainPermissions("Notifier"),
});
export const emailQueueSubscription = drain("EmailQueue", notifier);
export const smsQueueSubscription = drain("SmsQueue", notifier);
