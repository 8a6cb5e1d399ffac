import { queues as queueSpecs, type WorkQueueName } from "../packages/core/src/topology";
import { policy } from "./config";
import { defineFunction, functionNamed, type LinkTargets } from "./functions";
import { notificationProvider } from "./notification-sandbox";
import { paymentProvider } from "./payment-sandbox";
import { queues } from "./queues";
import { tables } from "./storage";

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

export const paymentWorker = defineFunction("PaymentWorker", targets);
export const paymentQueueSubscription = drain("PaymentQueue", paymentWorker);

export const approvalsWorker = defineFunction("ApprovalsWorker", targets);
export const approvalsQueueSubscription = drain("ApprovalsQueue", approvalsWorker);

export const notifier = defineFunction("Notifier", targets);
export const emailQueueSubscription = drain("EmailQueue", notifier);
export const smsQueueSubscription = drain("SmsQueue", notifier);
