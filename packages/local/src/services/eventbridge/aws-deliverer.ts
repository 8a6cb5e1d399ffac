// Default TargetDeliverer: real AWS SDK v3 clients pointed at a configurable endpoint (the
// local cloud's 4566 by default). Queue and topic ARNs are resolved the way AWS resolves them.
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { TargetDeliverer } from "./types";

export interface AwsDelivererOptions {
  endpoint?: string;
  region?: string;
}

export function createAwsDeliverer(options: AwsDelivererOptions = {}): TargetDeliverer & {
  destroy(): void;
} {
  const config = {
    endpoint: options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? "http://localhost:4566",
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
    // EventBridge has its own retry policy; one SDK attempt per delivery attempt.
    maxAttempts: 1,
  };
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const sfn = new SFNClient(config);
  const lambda = new LambdaClient(config);
  const queueUrls = new Map<string, string>();

  async function queueUrl(queueArn: string) {
    const cached = queueUrls.get(queueArn);
    if (cached) return cached;
    const [, , , , account, name] = queueArn.split(":");
    if (!name)
      throw Object.assign(new Error(`Not a queue ARN: ${queueArn}`), { name: "InvalidArn" });
    const out = await sqs.send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
    );
    queueUrls.set(queueArn, out.QueueUrl!);
    return out.QueueUrl!;
  }

  return {
    async sqs(queueArn, messageBody, messageAttributes) {
      const url = await queueUrl(queueArn);
      try {
        await sqs.send(
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
    async sns(topicArn, message) {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    },
    async stepFunctions(stateMachineArn, input) {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    },
    async lambda(functionArn, payload) {
      await lambda.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: "Event",
          Payload: Buffer.from(payload),
        }),
      );
    },
    destroy() {
      for (const c of [sqs, sns, sfn, lambda]) c.destroy();
    },
  };
}
