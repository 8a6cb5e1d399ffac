// Shared types of the local Step Functions runtime.
import type { StatusChangeEvent } from "./status-events";

export type JSONValue =
  | null
  | boolean
  | number
  | string
  | JSONValue[]
  | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };

/**
 * What a Task state may call. Injected so tests can run ASL semantics with in-memory
 * Lambda user code, and the local cloud can wire in its own Lambda runner and endpoints.
 */
export interface ServiceIntegrations {
  /** Invokes a function; `functionError` set means the function (not AWS) failed. */
  invokeLambda(
    functionArn: string,
    payload: unknown,
    caller: TaskCaller,
  ): Promise<{ payload?: unknown; functionError?: string }>;
  /** Calls an AWS API with SDK v3 command input (the ASL Parameters, PascalCase). */
  aws(service: AwsService, action: string, params: object, caller: TaskCaller): Promise<unknown>;
}

/** Who a Task state calls as: on AWS, the state machine's execution role. */
export interface TaskCaller {
  roleArn: string;
}

export type AwsService = "dynamodb" | "sqs" | "sns" | "events";

export interface StepFunctionsOptions {
  dataDir: string;
  accountId: string;
  region: string;
  integrations: ServiceIntegrations;
  /** Wall clock in epoch ms; timestamps and deadlines use it, sleeps use real timers. */
  now?: () => number;
  /**
   * Where "Step Functions Execution Status Change" events go, as AWS sends them to the
   * account's default event bus (status-events.ts). Each is recorded with its status
   * change and retried until this resolves; none are kept when this is not given.
   */
  emitStatusChange?: (event: StatusChangeEvent) => Promise<void>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface StepFunctions {
  handle(action: string, body: unknown): Promise<ApiResponse>;
  /** The actions `handle` answers (each has an IAM declaration in operations.ts). */
  readonly operations: readonly string[];
  /** The execution that issued a task token (what a callback is authorised on). */
  executionOfTaskToken(token: string): string | undefined;
  close(): Promise<void>;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/**
 * An ASL error as it travels through Retry/Catch: `{Error, Cause}`. A Fail state that names
 * neither leaves both absent, as AWS does.
 */
export interface StatesError {
  Error?: string;
  Cause?: string;
  /** A missed heartbeat: reported as States.Timeout, also matched by States.HeartbeatTimeout. */
  heartbeat?: true;
}

export interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: string;
  created: number;
  updated: number;
}

export interface ExecutionRecord {
  arn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  start: number;
  stop: number | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  /** Definition snapshot taken at start: later updates do not change a running execution. */
  definition: string;
  roleArn: string;
  /**
   * When the state machine (the version this execution runs) was last updated; null for
   * executions recorded before this was kept.
   */
  machineUpdated: number | null;
  lastEventId: number;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}
