// Default ServiceIntegrations: real AWS SDK v3 clients pointed at the local endpoint
// (AWS_ENDPOINT_URL). ASL Parameters are SDK v3 command inputs as they are.
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { AwsService, ServiceIntegrations } from "./types";

export interface AwsIntegrationsOptions {
  endpoint?: string;
  region?: string;
  /** Lambda user code runner; defaults to the Lambda API at the same endpoint. */
  invokeLambda?: ServiceIntegrations["invokeLambda"];
}

type Send = (client: unknown, input: object) => Promise<unknown>;

export function createAwsIntegrations(options: AwsIntegrationsOptions = {}): ServiceIntegrations {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? "http://localhost:4566";
  const config = {
    endpoint,
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
    },
  };
  const clients = {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    events: new EventBridgeClient(config),
  };
  const lambda = new LambdaClient(config);

  // One entry per optimised integration we accept (see task-resources.ts).
  const commands: Record<string, Send> = {
    "dynamodb:getItem": (c, i) => (c as DynamoDBClient).send(new GetItemCommand(i as never)),
    "dynamodb:putItem": (c, i) => (c as DynamoDBClient).send(new PutItemCommand(i as never)),
    "dynamodb:updateItem": (c, i) => (c as DynamoDBClient).send(new UpdateItemCommand(i as never)),
    "dynamodb:deleteItem": (c, i) => (c as DynamoDBClient).send(new DeleteItemCommand(i as never)),
    "sqs:sendMessage": (c, i) => (c as SQSClient).send(new SendMessageCommand(i as never)),
    "sns:publish": (c, i) => (c as SNSClient).send(new PublishCommand(i as never)),
    "events:putEvents": (c, i) => (c as EventBridgeClient).send(new PutEventsCommand(i as never)),
  };

  return {
    async aws(service: AwsService, action: string, params: object) {
      const send = commands[`${service}:${action}`];
      if (!send)
        throw Object.assign(new Error(`Unsupported ${service}:${action}`), {
          name: "InvalidAction",
        });
      return send(clients[service], params);
    },
    invokeLambda:
      options.invokeLambda ??
      (async (functionArn, payload) => {
        const out = await lambda.send(
          new InvokeCommand({
            FunctionName: functionArn,
            Payload: new TextEncoder().encode(JSON.stringify(payload ?? null)),
          }),
        );
        const text = out.Payload ? new TextDecoder().decode(out.Payload) : "";
        return {
          payload: text ? JSON.parse(text) : null,
          ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
        };
      }),
  };
}
