import {
  type AlarmSpec,
  alarms as alarmSpecs,
  type QueueName,
  type RuleSpec,
  rules as ruleSpecs,
  streamMappings,
} from "../packages/core/src/topology";
import { bus } from "./bus";
import { allFunctions } from "./functions";
import { queues } from "./queues";
import { rules } from "./rules";
import { stateMachine } from "./saga";
import { ordersPipe } from "./streams";

// CloudWatch alarms on the signals of seed §10.3, exactly as the topology
// derives them, dimensioned on the deployed resources and sent to one topic.

export const alarmTopic = new sst.aws.SnsTopic("AlarmTopic");

// Who hears them: ALARM_EMAIL at deploy time subscribes that address (AWS
// emails it a confirmation link first). The topic's ARN is a stage output,
// for a pager, chat or ticketing integration to subscribe to as well.
const alarmEmail = process.env.ALARM_EMAIL;
if (alarmEmail) {
  new aws.sns.TopicSubscription("AlarmEmail", {
    topic: alarmTopic.arn,
    protocol: "email",
    endpoint: alarmEmail,
  });
}

const functionNames = new Map(allFunctions().map(([name, fn]) => [name as string, fn.name]));

function dimensions(subject: AlarmSpec["subject"]): Record<string, $util.Input<string>> {
  switch (subject.kind) {
    case "queue":
      return { QueueName: queues[subject.name as QueueName].nodes.queue.name };
    case "function": {
      const name = functionNames.get(subject.name);
      if (!name) throw new Error(`alarm on unknown function ${subject.name}`);
      return { FunctionName: name };
    }
    case "rule": {
      const rule = rules[subject.name];
      if (!rule) throw new Error(`alarm on unknown rule ${subject.name}`);
      const spec = (ruleSpecs as Record<string, RuleSpec>)[subject.name];
      return { EventBusName: spec?.bus ?? bus.name, RuleName: rule.name };
    }
    case "mapping": {
      // Lambda reports a stream mapping's IteratorAge per consuming function.
      const spec = streamMappings[subject.name as keyof typeof streamMappings];
      const name = spec && functionNames.get(spec.function);
      if (!name) throw new Error(`alarm on unknown stream mapping ${subject.name}`);
      return { FunctionName: name };
    }
    case "pipe":
      if (subject.name !== "OrdersPipe" || !ordersPipe)
        throw new Error(`alarm on pipe ${subject.name}, which is not deployed`);
      return { PipeName: ordersPipe.name };
    case "saga":
      return { StateMachineArn: stateMachine.arn };
  }
}

export const alarms = alarmSpecs().map(
  (spec) =>
    new aws.cloudwatch.MetricAlarm(`Alarm${spec.name.replace(/[^A-Za-z0-9]/g, "")}`, {
      name: `${$app.name}-${$app.stage}-${spec.name}`,
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metric,
      statistic: spec.statistic,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      period: spec.periodSeconds,
      evaluationPeriods: spec.evaluationPeriods,
      dimensions: dimensions(spec.subject),
      // No data means nothing happened: no failures, no backlog.
      treatMissingData: "notBreaching",
      alarmActions: [alarmTopic.arn],
      okActions: [alarmTopic.arn],
    }),
);
