import type { JournalEntry } from "@orders/core/journal";
import type { OrderFilter } from "@orders/core/order";
import type { DlqName, QueueName } from "@orders/core/topology";
import type {
  ApprovalView,
  DeadLetter,
  ExecutionDetail,
  ExecutionSummary,
  LogLine,
  OrderDetail,
  OrderSummary,
  QueueDepth,
  RedriveResult,
  ReplaySummary,
} from "./schemas";

// What the routes need from the world. One adapter per port talks to AWS (or
// the local cloud's AWS-compatible endpoint); tests hand in fakes that record
// calls, so "refused requests write nothing" is something a test can see.

export interface Page<T> {
  items: T[];
  nextToken?: string | undefined;
}

export interface QueuesPort {
  depths(): Promise<QueueDepth[]>;
  /** Look without taking: receive with visibility 0 so nothing is hidden from consumers. */
  peek(dlq: DlqName, max: number): Promise<DeadLetter[]>;
  redriveAll(dlq: DlqName): Promise<RedriveResult>;
  redriveSelected(dlq: DlqName, messageIds: string[]): Promise<RedriveResult>;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionsPort {
  /** The saga's state machine as deployed (its physical name and ARN). */
  stateMachine(): { name: string; arn: string };
  list(options: {
    status?: ExecutionStatus;
    nextToken?: string;
    limit: number;
  }): Promise<Page<ExecutionSummary>>;
  describe(executionArn: string): Promise<ExecutionDetail>;
  stop(executionArn: string, cause: string): Promise<{ stoppedAt: string }>;
}

export interface EventsPort {
  listReplays(): Promise<ReplaySummary[]>;
  startReplay(request: {
    from: string;
    to: string;
    detailTypes: string[];
    name: string;
  }): Promise<ReplaySummary>;
}

export type { OrderFilter };

export interface OrdersPort {
  list(filter: OrderFilter): Promise<Page<OrderSummary>>;
  detail(orderId: string): Promise<OrderDetail | undefined>;
  /** Record an operator action (or a redrive) on the order's timeline. */
  journal(orderId: string, entry: JournalEntry): Promise<void>;
}

export interface LogsPort {
  /** Log lines of every invocation that carried this correlation id, oldest first. */
  byCorrelationId(correlationId: string, window: { from: string; to: string }): Promise<LogLine[]>;
}

export interface ApprovalsPort {
  pending(): Promise<ApprovalView[]>;
  history(limit: number): Promise<ApprovalView[]>;
  decide(decision: {
    orderId: string;
    decision: "APPROVE" | "REJECT";
    comment: string;
    operator: string;
  }): Promise<ApprovalView>;
}

export interface AdminPorts {
  queues: QueuesPort;
  executions: ExecutionsPort;
  events: EventsPort;
  orders: OrdersPort;
  logs: LogsPort;
  approvals: ApprovalsPort;
}

export type { QueueName };
