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
import { type Credentials, clientsPerKey, processCredentials } from "../../protocol";
import type { AwsService, ServiceIntegrations, TaskCaller } from "./types";

export interface AwsIntegrationsOptions {
  endpoint?: string;
  region?: string;
  /** Lambda user code runner; defaults to the Lambda API at the same endpoint. */
  invokeLambda?: ServiceIntegrations["invokeLambda"];
  /**
   * The credentials a Task state calls with, from the state machine's role (the
   * local cloud's IAM knows a key per role); default: the process's own.
   */
  credentials?: (caller: TaskCaller) => Credentials;
}

type Send = (client: unknown, input: object) => Promise<unknown>;

export function createAwsIntegrations(options: AwsIntegrationsOptions = {}): ServiceIntegrations {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? "http://localhost:4566";
  const region = options.region ?? process.env.AWS_REGION ?? "us-east-1";
  // Each state machine's role calls with its own key.
  const perKey = clientsPerKey((credentials: Credentials) => {
    const config = { endpoint, region, credentials };
    return {
      dynamodb: new DynamoDBClient(config),
      sqs: new SQSClient(config),
      sns: new SNSClient(config),
      events: new EventBridgeClient(config),
      lambda: new LambdaClient(config),
    };
  });
  const clients = (caller: TaskCaller) =>
    perKey.of(options.credentials?.(caller) ?? processCredentials());

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
    async aws(service: AwsService, action: string, params: object, caller: TaskCaller) {
      const send = commands[`${service}:${action}`];
      if (!send)
        throw Object.assign(new Error(`Unsupported ${service}:${action}`), {
          name: "InvalidAction",
        });
      return send(clients(caller)[service], params);
    },
    invokeLambda:
      options.invokeLambda ??
      (async (functionArn, payload, caller) => {
        const out = await clients(caller).lambda.send(
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
