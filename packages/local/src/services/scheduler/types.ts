// Shared types of the local EventBridge Scheduler.

export interface RetryPolicy {
  MaximumEventAgeInSeconds: number;
  MaximumRetryAttempts: number;
}

/** A schedule's target as the API carries it (templated or universal). */
export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: Partial<RetryPolicy>;
  DeadLetterConfig?: { Arn?: string };
  EventBridgeParameters?: { DetailType: string; Source: string };
  SqsParameters?: { MessageGroupId?: string };
  [extra: string]: unknown;
}

/** Who an invocation is made as: AWS assumes the schedule's `Target.RoleArn`. */
export interface InvocationContext {
  scheduleArn: string;
  roleArn: string;
}

/**
 * Makes a schedule's invocations. Thrown errors carry `name` (or `code`) so the
 * scheduler can tell a permanent failure (AccessDenied, not found: straight to
 * the DLQ) from a transient one (retried with backoff).
 */
export interface ScheduleDeliverer {
  /** Calls the target's API with `input` (Target.Input as is). */
  invoke(target: ScheduleTarget, input: string, context: InvocationContext): Promise<void>;
  /** Sends a dead-letter event (SQS SendMessage with string attributes). */
  deadLetter(
    queueArn: string,
    body: string,
    attributes: Record<string, string>,
    context: InvocationContext,
  ): Promise<void>;
}

export interface SchedulerOptions {
  /** Folder of the node:sqlite database (`scheduler.sqlite`). */
  dataDir: string;
  accountId: string;
  region: string;
  deliver: ScheduleDeliverer;
  /** The clock (epoch ms); tests inject one. */
  now?: () => number;
  /** Jitter within a flexible time window, in [0, 1). */
  random?: () => number;
  /** First retry delay; later ones double, with jitter. Default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Ceiling of one backoff delay. Default 5 minutes. */
  retryMaxDelayMs?: number;
  /** Longest sleep of the firing loop before it looks again (the clock may be injected). Default 1000 ms. */
  pollMs?: number;
  /** false: nothing fires unless `runDue()` is called (tests with an injected clock). Default true. */
  autoStart?: boolean;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface Scheduler {
  /**
   * One API operation (`CreateSchedule`, …) with its input flattened: the path's
   * `Name`, the query's members and the JSON body's, under their API names.
   */
  handle(operation: string, input: Record<string, unknown>): Promise<ApiResponse>;
  /** The operations `handle` answers (each has an IAM declaration in operations.ts). */
  readonly operations: readonly string[];
  /** Fires every schedule due now and makes every invocation due now; resolves when they are done. */
  runDue(): Promise<void>;
  close(): Promise<void>;
}

/** A schedule as GetSchedule answers it (dates in epoch seconds on the wire, ms here). */
export interface ScheduleRecord {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State: "ENABLED" | "DISABLED";
  KmsKeyArn?: string;
  Target: ScheduleTarget;
  FlexibleTimeWindow: { Mode: "OFF" | "FLEXIBLE"; MaximumWindowInMinutes?: number };
  ActionAfterCompletion: "NONE" | "DELETE";
  CreationDate: number;
  LastModificationDate: number;
}
