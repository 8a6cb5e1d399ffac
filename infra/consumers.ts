import { type FunctionName, queues as queueSpecs } from "../packages/core/src/topology";
import { policy } from "./config";
import { defineFunction, type LinkTargets } from "./functions";
import { notificationProvider } from "./notification-sandbox";
import { paymentProvider } from "./payment-sandbox";
import { queues } from "./queues";
import { tables } from "./storage";
import { eventSources, functionsOf } from "./wiring";

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

export const consumers = Object.fromEntries(
  functionsOf("consumers").map((name) => {
    const drained = eventSources(name).consumes;
    const fn = defineFunction(name, targets, {
      permissions: [
        {
          // What the event source mapping does on the function's behalf.
          actions: [
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
          ],
          resources: drained.map((queue) => queues[queue].arn),
        },
      ],
    });
    return [name, fn] as const;
  }),
);

// By ARN, so a function that drains several queues (the notifier) stays one Lambda.
export const subscriptions = Object.entries(consumers).flatMap(([name, fn]) =>
  eventSources(name as FunctionName).consumes.map((queueName) => {
    const { consumer } = queueSpecs[queueName];
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
  }),
);
