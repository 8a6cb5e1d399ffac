// Default ScheduleDeliverer: AWS SDK v3 clients at the local endpoint, one set per
// access key, each invocation made with the credentials of the schedule's role
// (AWS assumes Target.RoleArn), so the local IAM evaluates that role.
// Templated targets (SQS, Lambda, Step Functions, EventBridge, SNS) and universal
// targets `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` (Input = the API's parameters).
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
import * as EventBridge from "@aws-sdk/client-eventbridge";
import * as Lambda from "@aws-sdk/client-lambda";
import * as Sfn from "@aws-sdk/client-sfn";
import * as Sns from "@aws-sdk/client-sns";
import * as Sqs from "@aws-sdk/client-sqs";
import { type Credentials, clientsPerKey, parseArn, processCredentials } from "../../protocol";
import type { InvocationContext, ScheduleDeliverer, ScheduleTarget } from "./types";

export interface SchedulerDelivererOptions {
  endpoint?: string;
  region?: string;
  /** The credentials an invocation is made with, for the schedule's role; default: the process's. */
  credentials?: (roleArn: string) => Credentials;
}

type Client = { send(command: unknown): Promise<unknown>; destroy(): void };

/** The SDK module of each universal-target service prefix. */
const MODULES: Record<string, { client: string; module: Record<string, unknown> }> = {
  sfn: { client: "SFNClient", module: Sfn },
  sqs: { client: "SQSClient", module: Sqs },
  sns: { client: "SNSClient", module: Sns },
  lambda: { client: "LambdaClient", module: Lambda },
  eventbridge: { client: "EventBridgeClient", module: EventBridge },
};

const unsupported = (message: string) =>
  Object.assign(new Error(message), { name: "UnsupportedTarget" });

export function createSchedulerDeliverer(
  options: SchedulerDelivererOptions = {},
): ScheduleDeliverer & { destroy(): void } {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? "http://localhost:4566";
  const region = options.region ?? process.env.AWS_REGION ?? "us-east-1";
  // Each role calls as itself: per access key, a client per service made on first use.
  const perKey = clientsPerKey((credentials) => ({
    credentials,
    services: new Map<string, Client>(),
  }));
  /** The scheduler has its own retry policy: one SDK attempt per invocation attempt. */
  function client(service: string, credentials: Credentials): Client {
    const set = perKey.of(credentials);
    const known = set.services.get(service);
    if (known) return known;
    const { client: name, module } = MODULES[service]!;
    const Ctor = module[name] as new (config: object) => Client;
    const made = new Ctor({ endpoint, region, credentials: set.credentials, maxAttempts: 1 });
    set.services.set(service, made);
    return made;
  }
  const as = (context: InvocationContext) =>
    options.credentials?.(context.roleArn) ?? processCredentials();
  const command = (service: string, action: string, input: unknown) => {
    const name = `${action[0]!.toUpperCase()}${action.slice(1)}Command`;
    const Command = MODULES[service]?.module[name] as (new (input: unknown) => unknown) | undefined;
    if (!Command)
      throw unsupported(`Universal target aws-sdk:${service}:${action} is not supported.`);
    return new Command(input);
  };

  // The URL of a queue is no secret of its policy: looked up as the process.
  const queueUrls = new Map<string, string>();
  async function queueUrl(queueArn: string) {
    const cached = queueUrls.get(queueArn);
    if (cached) return cached;
    const parsed = parseArn(queueArn);
    if (!parsed)
      throw Object.assign(new Error(`Not a queue ARN: ${queueArn}`), { name: "InvalidArn" });
    const out = (await client("sqs", processCredentials()).send(
      new Sqs.GetQueueUrlCommand({
        QueueName: parsed.resource,
        QueueOwnerAWSAccountId: parsed.accountId,
      }),
    )) as { QueueUrl: string };
    queueUrls.set(queueArn, out.QueueUrl);
    return out.QueueUrl;
  }
  async function sendMessage(
    queueArn: string,
    body: string,
    credentials: Credentials,
    extra: Partial<Sqs.SendMessageRequest> = {},
  ) {
    const url = await queueUrl(queueArn);
    try {
      await client("sqs", credentials).send(
        new Sqs.SendMessageCommand({ QueueUrl: url, MessageBody: body, ...extra }),
      );
    } catch (error) {
      queueUrls.delete(queueArn);
      throw error;
    }
  }

  async function invoke(target: ScheduleTarget, input: string, context: InvocationContext) {
    const credentials = as(context);
    const universal = /^arn:aws[a-z-]*:scheduler:::aws-sdk:([a-z0-9]+):(\w+)$/.exec(target.Arn);
    if (universal) {
      const [, service, action] = universal as unknown as [string, string, string];
      if (!MODULES[service])
        throw unsupported(`Universal target service ${service} is not supported locally.`);
      let parameters: unknown;
      try {
        parameters = JSON.parse(input);
      } catch {
        throw Object.assign(new Error("The universal target's Input is not JSON."), {
          name: "ValidationException",
        });
      }
      await client(service, credentials).send(command(service, action, parameters));
      return;
    }
    const arn = parseArn(target.Arn);
    switch (arn?.service) {
      case "sqs":
        return sendMessage(target.Arn, input, credentials, {
          ...(target.SqsParameters?.MessageGroupId
            ? { MessageGroupId: target.SqsParameters.MessageGroupId }
            : {}),
        });
      case "lambda":
        await client("lambda", credentials).send(
          new Lambda.InvokeCommand({
            FunctionName: target.Arn,
            InvocationType: "Event",
            Payload: Buffer.from(input),
          }),
        );
        return;
      case "states":
        await client("sfn", credentials).send(
          new Sfn.StartExecutionCommand({ stateMachineArn: target.Arn, input }),
        );
        return;
      case "events": {
        const out = (await client("eventbridge", credentials).send(
          new EventBridge.PutEventsCommand({
            Entries: [
              {
                EventBusName: target.Arn,
                Source: target.EventBridgeParameters?.Source,
                DetailType: target.EventBridgeParameters?.DetailType,
                Detail: input,
              },
            ],
          }),
        )) as EventBridge.PutEventsResponse;
        const entry = out.Entries?.[0];
        if (out.FailedEntryCount || entry?.ErrorCode)
          throw Object.assign(new Error(entry?.ErrorMessage ?? "PutEvents failed"), {
            name: entry?.ErrorCode ?? "InternalException",
          });
        return;
      }
      case "sns":
        await client("sns", credentials).send(
          new Sns.PublishCommand({ TopicArn: target.Arn, Message: input }),
        );
        return;
      default:
        throw unsupported(`Target ${target.Arn} is not supported locally.`);
    }
  }

  return {
    invoke,
    async deadLetter(queueArn, body, attributes, context) {
      await sendMessage(queueArn, body, as(context), {
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]),
        ),
      });
    },
    destroy() {
      for (const set of perKey.all()) for (const c of set.services.values()) c.destroy();
    },
  };
}
