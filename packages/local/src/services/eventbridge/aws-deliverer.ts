// Default TargetDeliverer: real AWS SDK v3 clients pointed at a configurable endpoint (the
// local cloud's 4566 by default). Queue and topic ARNs are resolved the way AWS resolves them.
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type Credentials, clientsPerKey, processCredentials } from "../../protocol";
import type { DeliverySource, TargetDeliverer } from "./types";

export interface AwsDelivererOptions {
  endpoint?: string;
  region?: string;
  /**
   * The credentials a delivery is made with (the local cloud's IAM knows a key
   * per role and per service principal and source); default: the process's own.
   */
  credentials?: (source: DeliverySource) => Credentials;
}

export function createAwsDeliverer(options: AwsDelivererOptions = {}): TargetDeliverer & {
  destroy(): void;
} {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? "http://localhost:4566";
  const region = options.region ?? process.env.AWS_REGION ?? "us-east-1";
  const clientsFor = (credentials: Credentials) => {
    // EventBridge has its own retry policy; one SDK attempt per delivery attempt.
    const config = { endpoint, region, credentials, maxAttempts: 1 };
    return {
      sqs: new SQSClient(config),
      sns: new SNSClient(config),
      sfn: new SFNClient(config),
      lambda: new LambdaClient(config),
    };
  };
  // Each rule (or target role) delivers as itself.
  const perKey = clientsPerKey(clientsFor);
  const clients = (source: DeliverySource) =>
    perKey.of(options.credentials?.(source) ?? processCredentials());
  const queueUrls = new Map<string, string>();

  // The URL of a queue is no secret of its policy: looked up as the process.
  const lookup = clientsFor(processCredentials()).sqs;
  async function queueUrl(queueArn: string) {
    const cached = queueUrls.get(queueArn);
    if (cached) return cached;
    const [, , , , account, name] = queueArn.split(":");
    if (!name)
      throw Object.assign(new Error(`Not a queue ARN: ${queueArn}`), { name: "InvalidArn" });
    const out = await lookup.send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
    );
    queueUrls.set(queueArn, out.QueueUrl!);
    return out.QueueUrl!;
  }

  return {
    async sqs(queueArn, messageBody, source, messageAttributes) {
      const url = await queueUrl(queueArn);
      try {
        await clients(source).sqs.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: messageBody,
            MessageAttributes: messageAttributes
              ? Object.fromEntries(
                  Object.entries(messageAttributes).map(([k, v]) => [
                    k,
                    { DataType: "String", StringValue: v },
                  ]),
                )
              : undefined,
          }),
        );
      } catch (err) {
        // A queue deleted since its URL was cached must be looked up again next time.
        queueUrls.delete(queueArn);
        throw err;
      }
    },
    async sns(topicArn, message, source) {
      await clients(source).sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    },
    async stepFunctions(stateMachineArn, input, source) {
      await clients(source).sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    },
    async lambda(functionArn, payload, source) {
      await clients(source).lambda.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: "Event",
          Payload: Buffer.from(payload),
        }),
      );
    },
    destroy() {
      lookup.destroy();
      for (const set of perKey.all()) for (const c of Object.values(set)) c.destroy();
    },
  };
}
