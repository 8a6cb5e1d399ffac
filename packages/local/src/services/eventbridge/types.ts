// Shared types of the local EventBridge.

/**
 * Sends one target invocation. Thrown errors carry `name` (or `code`) so delivery can tell a
 * permanent failure (ResourceNotFound, NonExistentQueue, QueueDoesNotExist, AccessDenied…:
 * straight to the DLQ) from a transient one (retried with backoff).
 */
export interface TargetDeliverer {
  /** `messageAttributes` is only ever set for EventBridge's own DLQ sends. */
  sqs(
    queueArn: string,
    messageBody: string,
    source: DeliverySource,
    messageAttributes?: Record<string, string>,
  ): Promise<void>;
  sns(topicArn: string, message: string, source: DeliverySource): Promise<void>;
  stepFunctions(stateMachineArn: string, input: string, source: DeliverySource): Promise<void>;
  lambda(functionArn: string, payload: string, source: DeliverySource): Promise<void>;
}

/**
 * Who a delivery is made as, as AWS authorises it: the target's role when it has
 * one (`RoleArn`: a state machine target), else the `events.amazonaws.com`
 * service principal on behalf of the rule, checked against the target's
 * resource policy (queue policy, topic policy, Lambda permission).
 */
export interface DeliverySource {
  ruleArn: string;
  roleArn?: string;
}

export interface EventBridgeOptions {
  /** Folder of the node:sqlite database (`eventbridge.sqlite`). */
  dataDir: string;
  accountId: string;
  region: string;
  deliver: TargetDeliverer;
  now?: () => number;
  /** First retry delay; later ones double, with jitter. AWS-like default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Ceiling of one backoff delay. Default 5 minutes. */
  retryMaxDelayMs?: number;
  /** Target invocations in flight at once. Default 32. */
  maxConcurrentDeliveries?: number;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  EventBusName?: string;
  /** Epoch seconds (as the JSON 1.1 wire format carries it) or a Date. */
  Time?: number | string | Date;
  TraceHeader?: string;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
}

export interface EventBridge {
  /** One API action (`PutEvents`, `PutRule`, …) with its parsed JSON body (or the raw text). */
  handle(action: string, body: unknown): Promise<ApiResponse>;
  /** The actions `handle` answers (each has an IAM declaration in operations.ts). */
  readonly operations: readonly string[];
  /** PutEvents for in-process callers; throws the same errors the API returns. */
  putEvents(entries: PutEventsEntry[]): Promise<PutEventsResult>;
  /** Resolves when no delivery is due now or in flight (tests, benchmarks). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface RetryPolicy {
  MaximumEventAgeInSeconds: number;
  MaximumRetryAttempts: number;
}

export interface Target {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: Partial<RetryPolicy>;
  DeadLetterConfig?: { Arn?: string };
  [extra: string]: unknown;
}

export interface RuleRecord {
  name: string;
  bus: string;
  arn: string;
  eventPattern: string | null;
  scheduleExpression: string | null;
  state: "ENABLED" | "DISABLED";
  description: string | null;
  roleArn: string | null;
  createdBy: string;
}

export interface BusRecord {
  name: string;
  arn: string;
  description: string | null;
  created: number;
}

export interface ArchiveRecord {
  name: string;
  arn: string;
  sourceArn: string;
  description: string | null;
  eventPattern: string | null;
  retentionDays: number;
  state: string;
  created: number;
}

export interface ReplayRecord {
  name: string;
  arn: string;
  archiveArn: string;
  description: string | null;
  destination: { Arn: string; FilterArns?: string[] };
  eventStart: number;
  eventEnd: number;
  state: "STARTING" | "RUNNING" | "CANCELLING" | "COMPLETED" | "CANCELLED" | "FAILED";
  stateReason: string | null;
  replayStart: number;
  replayEnd: number | null;
  lastReplayed: number | null;
  /** Archive sequence number replayed up to (resume point after a restart). */
  cursor: number;
}

/** One pending target invocation, persisted before PutEvents answers. */
export interface DeliveryRecord {
  id: number;
  ruleArn: string;
  target: Target;
  /** The event as EventBridge wrote it (the DLQ body). */
  event: string;
  /** What the target receives after Input/InputPath/InputTransformer. */
  payload: string;
  stage: "target" | "dlq";
  attempts: number;
  createdAt: number;
  nextAt: number;
  errorCode: string | null;
  errorMessage: string | null;
  exhaustedCondition: string | null;
  /** Target retries made before the event went to the DLQ (RETRY_ATTEMPTS). */
  retryAttempts: number | null;
}
