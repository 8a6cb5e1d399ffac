import { pipes } from "./resources";

// The topology's pipes as both runtimes create them: the CreatePipe request
// (the local cloud sends it to its Pipes service; infra maps it onto
// aws.pipes.Pipe) and the pipe role's statements, least privilege.

export type PipeName = keyof typeof pipes;

/** The ARNs a pipe's request names, in the runtime at hand (strings, or infra's outputs). */
export interface PipeArns<Arn = string> {
  stream: Arn;
  enrichment: Arn;
  target: Arn;
  deadLetter: Arn;
  role: Arn;
}

/** The pipe as a CreatePipe request (AWS's API shape). */
export function renderPipe<Arn = string>(name: PipeName, arns: PipeArns<Arn>) {
  const spec = pipes[name];
  return {
    Name: name,
    Description: "Orders stream → OrderPlaced.v1 / OrderStatusChanged.v1 on the bus (outbox)",
    DesiredState: "RUNNING" as const,
    RoleArn: arns.role,
    Source: arns.stream,
    SourceParameters: {
      DynamoDBStreamParameters: {
        StartingPosition: spec.startingPosition,
        BatchSize: spec.batchSize,
        MaximumBatchingWindowInSeconds: spec.batchingWindowSeconds,
        MaximumRetryAttempts: spec.maximumRetryAttempts,
        ...(spec.bisectBatchOnFunctionError
          ? { OnPartialBatchItemFailure: "AUTOMATIC_BISECT" as const }
          : {}),
        DeadLetterConfig: { Arn: arns.deadLetter },
      },
      FilterCriteria: {
        Filters: spec.filters.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
      },
    },
    Enrichment: arns.enrichment,
    Target: arns.target,
    TargetParameters: {
      InputTemplate: spec.busTarget.InputTemplate,
      EventBridgeEventBusParameters: {
        DetailType: spec.busTarget.DetailType,
        Source: spec.busTarget.Source,
        Time: spec.busTarget.Time,
      },
    },
  };
}

/**
 * What the pipe's role may do, all of it: read its DynamoDB stream
 * (ListStreams has no resource-level permission), invoke its enrichment, put
 * events on its bus, send what failed to its dead-letter queue
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html).
 */
export function pipeRoleStatements(arns: Omit<PipeArns, "role">) {
  return [
    {
      Sid: "ReadSourceStream",
      Effect: "Allow" as const,
      Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
      Resource: [arns.stream],
    },
    {
      Sid: "ListStreams",
      Effect: "Allow" as const,
      Action: ["dynamodb:ListStreams"],
      Resource: ["*"],
    },
    {
      Sid: "InvokeEnrichment",
      Effect: "Allow" as const,
      Action: ["lambda:InvokeFunction"],
      Resource: [arns.enrichment],
    },
    {
      Sid: "PutOnBus",
      Effect: "Allow" as const,
      Action: ["events:PutEvents"],
      Resource: [arns.target],
    },
    {
      Sid: "SendFailures",
      Effect: "Allow" as const,
      Action: ["sqs:SendMessage"],
      Resource: [arns.deadLetter],
    },
  ];
}
