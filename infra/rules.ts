import {
  bus as busSpec,
  type QueueName,
  type RuleSpec,
  renderRulePattern,
  rules as ruleSpecs,
} from "../packages/core/src/topology";
import { bus } from "./bus";
import { functionNamed } from "./functions";
import { topic } from "./notifications";
import { queues } from "./queues";
import { stateMachine } from "./saga";

// EventBridge rules from the topology. SST's Bus subscribers cover functions
// and queues only, so every rule is built the same raw way: the rule, its one
// target with the topology's retry policy and its rule DLQ, and resource
// policies that let only that rule deliver to its target and its DLQ.

const queueSenders = new Map<QueueName, $util.Output<string>[]>();
const allowRule = (queue: QueueName, ruleArn: $util.Output<string>) =>
  queueSenders.set(queue, [...(queueSenders.get(queue) ?? []), ruleArn]);
const topicSenders: $util.Output<string>[] = [];

export const rules = Object.fromEntries(
  Object.entries(ruleSpecs).map(([name, spec]: [string, RuleSpec]) => {
    // Step Functions' status-change events reach only the account's default bus.
    const eventBusName = spec.bus ?? bus.name;
    const rule = new aws.cloudwatch.EventRule(name, {
      eventBusName,
      description: spec.description,
      eventPattern: stateMachine.arn.apply((arn) =>
        JSON.stringify(renderRulePattern(spec, { FulfillmentSagaArn: arn })),
      ),
    });
    const { target } = spec;
    const common = {
      rule: rule.name,
      eventBusName,
      deadLetterConfig: { arn: queues[target.deadLetter].arn },
      retryPolicy: {
        maximumEventAgeInSeconds: busSpec.targetRetry.maximumEventAgeSeconds,
        maximumRetryAttempts: busSpec.targetRetry.maximumRetryAttempts,
      },
    };
    allowRule(target.deadLetter, rule.arn);

    if (target.kind === "queue") {
      allowRule(target.queue, rule.arn);
      new aws.cloudwatch.EventTarget(`${name}Target`, { ...common, arn: queues[target.queue].arn });
    } else if (target.kind === "topic") {
      topicSenders.push(rule.arn);
      new aws.cloudwatch.EventTarget(`${name}Target`, { ...common, arn: topic.arn });
    } else if (target.kind === "function") {
      const fn = functionNamed(target.function);
      new aws.lambda.Permission(`${name}Invoke`, {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      });
      new aws.cloudwatch.EventTarget(`${name}Target`, { ...common, arn: fn.arn });
    } else {
      // EventBridge starts executions with a role that can do exactly that, on this machine.
      const role = new aws.iam.Role(`${name}Role`, {
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "events.amazonaws.com" }),
        inlinePolicies: [
          {
            name: "start-saga",
            policy: $jsonStringify({
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "states:StartExecution", Resource: stateMachine.arn },
              ],
            }),
          },
        ],
      });
      new aws.cloudwatch.EventTarget(`${name}Target`, {
        ...common,
        arn: stateMachine.arn,
        roleArn: role.arn,
        inputPath: target.inputPath,
      });
    }
    return [name, rule] as const;
  }),
);

const fromRules = (ruleArns: $util.Output<string>[]) => [
  { test: "ArnEquals", variable: "aws:SourceArn", values: ruleArns },
];

// One policy per queue (SQS keeps one): every rule that targets it or uses it as its DLQ.
export const queuePolicies = [...queueSenders].map(
  ([queue, ruleArns]) =>
    new aws.sqs.QueuePolicy(`${queue}EventsPolicy`, {
      queueUrl: queues[queue].url,
      policy: aws.iam.getPolicyDocumentOutput({
        statements: [
          {
            sid: "FromOurRules",
            actions: ["sqs:SendMessage"],
            resources: [queues[queue].arn],
            principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
            conditions: fromRules(ruleArns),
          },
        ],
      }).json,
    }),
);

export const topicPolicy = new aws.sns.TopicPolicy(`${busSpec.name}TopicPolicy`, {
  arn: topic.arn,
  policy: aws.iam.getPolicyDocumentOutput({
    statements: [
      {
        sid: "FromOurRules",
        actions: ["sns:Publish"],
        resources: [topic.arn],
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        conditions: fromRules(topicSenders),
      },
    ],
  }).json,
});
