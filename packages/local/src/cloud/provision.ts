import {
  CreateTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createTableInput } from "@orders/core/testing";
import {
  bus,
  type DlqSpec,
  notifications,
  orderPolicy,
  type QueueName,
  queues,
  type RuleSpec,
  renderRulePattern,
  renderSaga,
  rules,
  sagaFunctions,
  type TableSpec,
  tables,
  type WorkQueueSpec,
} from "@orders/core/topology";
import type { ApiHandler } from "../aws-endpoint/server";
import { deployment, type RuleName, type TableName } from "../graph";
import { queueUrl } from "./names";

// Creates the topology's resources through the same APIs a deployment would
// use — idempotently, so every start converges on the topology (a restart
// keeps data and brings settings up to date) — under the synthesized graph's
// physical names and ARNs (deployment()).

export interface ProvisionClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  sns: SNSClient;
  eventBridge?: ApiHandler;
  stepFunctions?: ApiHandler;
  awsUrl: string;
}

/** Tables created now (absent before), by topology name: the catalogue is seeded into a new InventoryTable. */
export async function provisionTables(dynamodb: DynamoDBClient): Promise<TableName[]> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const out = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const t of out.TableNames ?? []) existing.add(t);
    start = out.LastEvaluatedTableName;
  } while (start);
  const created: TableName[] = [];
  for (const [key, spec] of Object.entries(tables) as [TableName, TableSpec][]) {
    const name = deployment().tables[key].name;
    if (existing.has(name)) continue;
    await dynamodb.send(new CreateTableCommand(createTableInput(name, spec)));
    if (spec.ttl) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: spec.ttl, Enabled: true },
        }),
      );
    }
    created.push(key);
  }
  return created;
}

export async function provisionQueues(
  sqs: SQSClient,
  awsUrl: string,
  options: { visibilityTimeoutSeconds?: number } = {},
) {
  const entries = Object.entries(queues) as [QueueName, WorkQueueSpec | DlqSpec][];
  // DLQs first: work queues' redrive policies point at them.
  for (const [name, spec] of entries.sort(
    ([, a], [, b]) => (a.kind === "dlq" ? -1 : 0) - (b.kind === "dlq" ? -1 : 0),
  )) {
    const attributes: Record<string, string> = {
      MessageRetentionPeriod: String(spec.retentionSeconds),
    };
    if (spec.kind === "work") {
      attributes.VisibilityTimeout = String(
        options.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds,
      );
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: deployment().queues[spec.dlq].arn,
        maxReceiveCount: spec.maxReceiveCount,
      });
    }
    await sqs.send(
      new CreateQueueCommand({ QueueName: deployment().queues[name].name, Attributes: attributes }),
    );
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl(awsUrl, name), Attributes: attributes }),
    );
  }
}

export async function provisionTopic(sns: SNSClient) {
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({ Name: deployment().topics.NotificationsTopic.name }),
  );
  const existing = new Map<string, string>();
  let next: string | undefined;
  do {
    const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken: next }));
    for (const s of out.Subscriptions ?? [])
      if (s.Endpoint && s.SubscriptionArn) existing.set(s.Endpoint, s.SubscriptionArn);
    next = out.NextToken;
  } while (next);
  for (const [queue, policy] of Object.entries(notifications.subscriptions) as [
    QueueName,
    unknown,
  ][]) {
    const queueArn = deployment().queues[queue].arn;
    const attributes = {
      RawMessageDelivery: "true",
      FilterPolicyScope: "MessageBody",
      FilterPolicy: JSON.stringify(policy),
    };
    const arn = existing.get(queueArn);
    if (arn) {
      for (const [AttributeName, AttributeValue] of Object.entries(attributes)) {
        await sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: arn,
            AttributeName,
            AttributeValue,
          }),
        );
      }
    } else {
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: "sqs",
          Endpoint: queueArn,
          Attributes: attributes,
          ReturnSubscriptionArn: true,
        }),
      );
    }
  }
}

async function call(service: ApiHandler, action: string, body: unknown, tolerate: string[] = []) {
  const out = await service.handle(action, body);
  if (out.status >= 300) {
    const type = String((out.body as { __type?: string })?.__type ?? "").replace(/^.*#/, "");
    if (tolerate.includes(type)) return out.body;
    throw new Error(`${action}: ${type} ${(out.body as { message?: string })?.message ?? ""}`);
  }
  return out.body;
}

export async function provisionStateMachine(
  sfn: ApiHandler,
  awsUrl: string,
  options: { approvalTimeoutSeconds?: number; sagaTimeoutSeconds?: number } = {},
) {
  const d = deployment();
  const definition = JSON.stringify(
    renderSaga({
      ...Object.fromEntries(sagaFunctions().map((f) => [f, d.functions[f].arn])),
      ApprovalsQueueUrl: queueUrl(awsUrl, "ApprovalsQueue"),
      ApprovalTimeoutSeconds: options.approvalTimeoutSeconds ?? orderPolicy.approvalTimeoutSeconds,
      SagaTimeoutSeconds: options.sagaTimeoutSeconds ?? orderPolicy.sagaTimeoutSeconds,
    }),
  );
  const roleArn = d.stateMachine.roleArn;
  const created = await call(
    sfn,
    "CreateStateMachine",
    { name: d.stateMachine.name, definition, roleArn, type: "STANDARD" },
    ["StateMachineAlreadyExists"],
  );
  if ((created as { __type?: string }).__type) {
    await call(sfn, "UpdateStateMachine", {
      stateMachineArn: d.stateMachine.arn,
      definition,
      roleArn,
    });
  }
}

export async function provisionBus(eb: ApiHandler) {
  const d = deployment();
  await call(eb, "CreateEventBus", { Name: d.bus.name }, ["ResourceAlreadyExistsException"]);
  await call(
    eb,
    "CreateArchive",
    {
      ArchiveName: d.archive.name,
      EventSourceArn: d.bus.arn,
      EventPattern: JSON.stringify(bus.archive.pattern),
      RetentionDays: bus.archive.retentionDays,
    },
    ["ResourceAlreadyExistsException"],
  );
  for (const [key, rule] of Object.entries(rules) as [RuleName, RuleSpec][]) {
    // Step Functions' status-change rule lives on the default bus, as on AWS.
    const { name, busName: eventBusName, targetRoleArn } = d.rules[key];
    await call(eb, "PutRule", {
      Name: name,
      EventBusName: eventBusName,
      EventPattern: JSON.stringify(
        renderRulePattern(rule, { FulfillmentSagaArn: d.stateMachine.arn }),
      ),
      Description: rule.description,
      State: "ENABLED",
    });
    const target = rule.target;
    const arn =
      target.kind === "queue"
        ? d.queues[target.queue].arn
        : target.kind === "topic"
          ? d.topics[target.topic].arn
          : target.kind === "function"
            ? d.functions[target.function].arn
            : d.stateMachine.arn;
    await call(eb, "PutTargets", {
      Rule: name,
      EventBusName: eventBusName,
      Targets: [
        {
          Id: target.kind,
          Arn: arn,
          ...(target.kind === "saga"
            ? { InputPath: target.inputPath, ...(targetRoleArn ? { RoleArn: targetRoleArn } : {}) }
            : {}),
          DeadLetterConfig: { Arn: d.queues[target.deadLetter].arn },
          RetryPolicy: {
            MaximumEventAgeInSeconds: bus.targetRetry.maximumEventAgeSeconds,
            MaximumRetryAttempts: bus.targetRetry.maximumRetryAttempts,
          },
        },
      ],
    });
  }
}
