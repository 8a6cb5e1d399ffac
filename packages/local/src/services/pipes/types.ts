// Shared types of the local EventBridge Pipes.
import type { Credentials } from "../../protocol";

export type { Credentials };

/** What AWS reports of a pipe's life (PipeState). */
export type PipeState =
  | "RUNNING"
  | "STOPPED"
  | "CREATING"
  | "UPDATING"
  | "DELETING"
  | "STARTING"
  | "STOPPING";

export type DesiredState = "RUNNING" | "STOPPED";

export interface FilterCriteria {
  Filters?: Array<{ Pattern?: string }>;
}

export interface DeadLetterConfig {
  Arn?: string;
}

export interface SourceParameters {
  FilterCriteria?: FilterCriteria;
  DynamoDBStreamParameters?: {
    BatchSize?: number;
    DeadLetterConfig?: DeadLetterConfig;
    OnPartialBatchItemFailure?: "AUTOMATIC_BISECT";
    MaximumBatchingWindowInSeconds?: number;
    MaximumRecordAgeInSeconds?: number;
    MaximumRetryAttempts?: number;
    ParallelizationFactor?: number;
    StartingPosition?: "TRIM_HORIZON" | "LATEST";
  };
  SqsQueueParameters?: { BatchSize?: number; MaximumBatchingWindowInSeconds?: number };
  [other: string]: unknown;
}

export interface EnrichmentParameters {
  InputTemplate?: string;
  [other: string]: unknown;
}

export interface TargetParameters {
  InputTemplate?: string;
  LambdaFunctionParameters?: { InvocationType?: "REQUEST_RESPONSE" | "FIRE_AND_FORGET" };
  StepFunctionStateMachineParameters?: {
    InvocationType?: "REQUEST_RESPONSE" | "FIRE_AND_FORGET";
  };
  SqsQueueParameters?: { MessageGroupId?: string; MessageDeduplicationId?: string };
  EventBridgeEventBusParameters?: {
    EndpointId?: string;
    DetailType?: string;
    Source?: string;
    Resources?: string[];
    Time?: string;
  };
  [other: string]: unknown;
}

/** A pipe as stored (the API's field names). */
export interface PipeRecord {
  Name: string;
  Arn: string;
  Description?: string;
  DesiredState: DesiredState;
  CurrentState: PipeState;
  StateReason?: string;
  Source: string;
  SourceParameters: SourceParameters;
  Enrichment?: string;
  EnrichmentParameters?: EnrichmentParameters;
  Target: string;
  TargetParameters?: TargetParameters;
  RoleArn: string;
  Tags?: Record<string, string>;
  LogConfiguration?: unknown;
  KmsKeyIdentifier?: string;
  /** Epoch ms. */
  CreationTime: number;
  LastModifiedTime: number;
}

/** A DynamoDB stream record as the DynamoDB Streams JSON API returns it (epoch-second times). */
export interface StreamRecord {
  eventID: string;
  eventName: string;
  dynamodb: { SequenceNumber: string; ApproximateCreationDateTime?: number; [k: string]: unknown };
  [k: string]: unknown;
}

export interface StreamShard {
  ShardId: string;
  ParentShardId?: string;
}

/** An SQS message as a pipe passes it on (the Lambda SQS record shape, as AWS documents for Pipes). */
export interface QueueRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  [k: string]: unknown;
}

/**
 * Everything a pipe does to other services, each call made as the pipe's role
 * (`roleArn`): reading its source, invoking its enrichment, calling its target,
 * writing its DLQ. The local cloud passes SDK v3 clients on its endpoint
 * (`createAwsPipeIo`), so its IAM evaluates the pipe's role; a thrown error's
 * `name` is the AWS error code.
 */
export interface PipeIo {
  stream: {
    shards(roleArn: string, streamArn: string): Promise<StreamShard[]>;
    /** `after`: resume after this sequence number; else the starting position. */
    iterator(
      roleArn: string,
      streamArn: string,
      shardId: string,
      from: { after: string } | { position: "TRIM_HORIZON" | "LATEST" },
    ): Promise<string | undefined>;
    records(
      roleArn: string,
      iterator: string,
      limit: number,
    ): Promise<{ records: StreamRecord[]; next?: string }>;
  };
  queue: {
    receive(
      roleArn: string,
      queueArn: string,
      max: number,
      waitSeconds: number,
      signal: AbortSignal,
    ): Promise<QueueRecord[]>;
    delete(roleArn: string, queueArn: string, receiptHandles: string[]): Promise<void>;
  };
  /** A synchronous (RequestResponse) or asynchronous (Event) Lambda invoke; a function error throws. */
  invokeFunction(
    roleArn: string,
    functionArn: string,
    payload: unknown,
    type: "RequestResponse" | "Event",
  ): Promise<unknown>;
  /** PutEvents; the indexes of entries that failed. */
  putEvents(roleArn: string, entries: BusEntry[]): Promise<number[]>;
  sendMessages(
    roleArn: string,
    queueArn: string,
    messages: Array<{ body: string; groupId?: string; deduplicationId?: string }>,
  ): Promise<void>;
  startExecution(roleArn: string, stateMachineArn: string, input: string): Promise<void>;
}

export interface BusEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
  Time?: Date;
}

/** An event pattern compiled by EventBridge's matcher (services/eventbridge's compilePattern). */
export type CompilePattern = (pattern: unknown) => { matches(event: unknown): boolean };

export interface PipesOptions {
  /** Folder of the node:sqlite database (`pipes.sqlite`). */
  dataDir: string;
  accountId: string;
  region: string;
  io: PipeIo;
  /** FilterCriteria's pattern language (injected: a service imports no other service). */
  compilePattern: CompilePattern;
  now?: () => number;
  /** First retry delay of a failed batch; later ones double. Default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Ceiling of one retry delay. Default 60 s. */
  retryMaxDelayMs?: number;
  /** Pause between empty stream polls (Pipes polls each shard about four times a second). */
  pollIntervalMs?: number;
  /** Long-poll wait of an SQS receive (AWS: 20 s). */
  queueWaitSeconds?: number;
  onError?: (pipe: string, error: unknown) => void;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface Pipes {
  /** One REST operation: path parameters, query string and JSON body. */
  handle(
    operation: string,
    request: { name?: string; query: URLSearchParams; body: Record<string, unknown> },
  ): Promise<ApiResponse>;
  /** Resolves when every pipe has settled its state and no batch is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
