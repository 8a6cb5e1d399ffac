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
import { arns, busName, queueUrl, sagaName, topicName } from "./names";

// Creates the topology's resources through the same APIs a deployment would
// use — idempotently, so every start converges on the topology (a restart
// keeps data and brings settings up to date).

export interface ProvisionClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  sns: SNSClient;
  eventBridge?: ApiHandler;
  stepFunctions?: ApiHandler;
  awsUrl: string;
}

/** Tables created now (absent before): the catalogue is seeded into a new InventoryTable. */
export async function provisionTables(dynamodb: DynamoDBClient): Promise<string[]> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const out = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const t of out.TableNames ?? []) existing.add(t);
    start = out.LastEvaluatedTableName;
  } while (start);
  const created: string[] = [];
  for (const [name, spec] of Object.entries(tables) as [string, TableSpec][]) {
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
    created.push(name);
  }
  return created;
}

export async function provisionQueues(
  sqs: SQSClient,
  awsUrl: string,
  options: { visibilityTimeoutSeconds?: number } = {},
) {
  const entries = Object.entries(queues) as [string, WorkQueueSpec | DlqSpec][];
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
        deadLetterTargetArn: arns.queue(spec.dlq),
        maxReceiveCount: spec.maxReceiveCount,
      });
    }
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl(awsUrl, name), Attributes: attributes }),
    );
  }
}

export async function provisionTopic(sns: SNSClient) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName }));
  const existing = new Map<string, string>();
  let next: string | undefined;
  do {
    const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken: next }));
    for (const s of out.Subscriptions ?? [])
      if (s.Endpoint && s.SubscriptionArn) existing.set(s.Endpoint, s.SubscriptionArn);
    next = out.NextToken;
  } while (next);
  for (const [queue, policy] of Object.entries(notifications.subscriptions)) {
    const attributes = {
      RawMessageDelivery: "true",
      FilterPolicyScope: "MessageBody",
      FilterPolicy: JSON.stringify(policy),
    };
    const arn = existing.get(arns.queue(queue));
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
          Endpoint: arns.queue(queue),
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
  const definition = JSON.stringify(
    renderSaga({
      ...Object.fromEntries(sagaFunctions().map((f) => [f, arns.lambda(f)])),
      ApprovalsQueueUrl: queueUrl(awsUrl, "ApprovalsQueue"),
      ApprovalTimeoutSeconds: options.approvalTimeoutSeconds ?? orderPolicy.approvalTimeoutSeconds,
      SagaTimeoutSeconds: options.sagaTimeoutSeconds ?? orderPolicy.sagaTimeoutSeconds,
    }),
  );
  const roleArn = arns.role("FulfillmentSagaRole");
  const created = await call(
    sfn,
    "CreateStateMachine",
    { name: sagaName, definition, roleArn, type: "STANDARD" },
    ["StateMachineAlreadyExists"],
  );
  if ((created as { __type?: string }).__type) {
    await call(sfn, "UpdateStateMachine", {
      stateMachineArn: arns.stateMachine(sagaName),
      definition,
      roleArn,
    });
  }
}

export async function provisionBus(eb: ApiHandler) {
  await call(eb, "CreateEventBus", { Name: busName }, ["ResourceAlreadyExistsException"]);
  await call(
    eb,
    "CreateArchive",
    {
      ArchiveName: bus.archive.name,
      EventSourceArn: arns.bus(busName),
      EventPattern: JSON.stringify(bus.archive.pattern),
      RetentionDays: bus.archive.retentionDays,
    },
    ["ResourceAlreadyExistsException"],
  );
  for (const [name, rule] of Object.entries(rules) as [string, RuleSpec][]) {
    // Step Functions' status-change rule lives on the default bus, as on AWS.
    const eventBusName = rule.bus ?? busName;
    await call(eb, "PutRule", {
      Name: name,
      EventBusName: eventBusName,
      EventPattern: JSON.stringify(
        renderRulePattern(rule, { FulfillmentSagaArn: arns.stateMachine(sagaName) }),
      ),
      Description: rule.description,
      State: "ENABLED",
    });
    const target = rule.target;
    const arn =
      target.kind === "queue"
        ? arns.queue(target.queue)
        : target.kind === "topic"
          ? arns.topic(topicName)
          : target.kind === "function"
            ? arns.lambda(target.function)
            : arns.stateMachine(sagaName);
    await call(eb, "PutTargets", {
      Rule: name,
      EventBusName: eventBusName,
      Targets: [
        {
          Id: target.kind,
          Arn: arn,
          ...(target.kind === "saga"
            ? { InputPath: target.inputPath, RoleArn: arns.role("EventsToSagaRole") }
            : {}),
          DeadLetterConfig: { Arn: arns.queue(target.deadLetter) },
          RetryPolicy: {
            MaximumEventAgeInSeconds: bus.targetRetry.maximumEventAgeSeconds,
            MaximumRetryAttempts: bus.targetRetry.maximumRetryAttempts,
          },
        },
      ],
    });
  }
}
