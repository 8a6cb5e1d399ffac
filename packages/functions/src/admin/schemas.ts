import { z } from "@hono/zod-openapi";

// Request and response shapes of the admin API. The routes validate with them,
// the OpenAPI document is generated from them, and the console imports their
// types (`import type`), so the three cannot disagree. Pure: no I/O imports.

export const ErrorBody = z
  .object({
    code: z.string().openapi({ example: "VALIDATION_FAILED" }),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .openapi("Error");

const isoDate = z.string().openapi({ format: "date-time" });
const json = z.unknown().openapi({ description: "Any JSON value" });

// ─── Queues ─────────────────────────────────────────────────────────────────

export const QueueDepth = z
  .object({
    /** The topology's name (`PaymentQueue`): what the admin API's queue routes take. */
    name: z.string(),
    /** The queue's name in the deployment (`orders-prod-PaymentQueueQueue-abcdefgh`), from its URL. */
    physicalName: z.string(),
    kind: z.enum(["work", "dlq"]),
    /** For a DLQ: what lands in it. */
    catches: z.enum(["consumer-failures", "rule-delivery-failures", "stream-failures"]).optional(),
    /** For a work queue: its DLQ; for a consumer DLQ: the queue it protects. */
    dlq: z.string().optional(),
    source: z.string().optional(),
    consumer: z.string().optional(),
    maxReceiveCount: z.number().int().optional(),
    visible: z.number().int(),
    inFlight: z.number().int(),
    delayed: z.number().int(),
    oldestAgeSeconds: z.number().nullable(),
    /** Why the age could not be read (a work queue's CloudWatch call failed). */
    oldestAgeError: z.string().optional(),
    /** How a redrive works for this DLQ: move back to its queue, re-put on the bus, or not possible. */
    redrive: z.enum(["move-to-source", "put-events", "none"]).optional(),
  })
  .openapi("QueueDepth");
export type QueueDepth = z.infer<typeof QueueDepth>;

export const DeadLetter = z
  .object({
    messageId: z.string(),
    sentAt: isoDate.nullable(),
    receiveCount: z.number().int(),
    body: z.string(),
    orderId: z.string().nullable(),
    correlationId: z.string().nullable(),
    detailType: z.string().nullable(),
    error: z.object({
      code: z.string().nullable(),
      message: z.string().nullable(),
      rule: z.string().nullable(),
      target: z.string().nullable(),
      retryAttempts: z.number().int().nullable(),
    }),
    attributes: z.record(z.string(), z.string()),
  })
  .openapi("DeadLetter");
export type DeadLetter = z.infer<typeof DeadLetter>;

export const RedriveRequest = z
  .object({
    /** Omit to redrive everything; list message ids to redrive only those. */
    messageIds: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
  })
  .strict()
  .openapi("RedriveRequest");

export const RedriveResult = z
  .object({
    mode: z.enum(["move-task", "move-by-copy", "put-events"]),
    moved: z.number().int(),
    taskHandle: z.string().optional(),
    failed: z.array(z.object({ messageId: z.string(), reason: z.string() })),
    /** Orders whose messages were moved (when the messages were read), for their timelines. */
    orders: z.array(z.object({ orderId: z.string(), correlationId: z.string().nullable() })),
  })
  .openapi("RedriveResult");
export type RedriveResult = z.infer<typeof RedriveResult>;

// ─── Saga executions ────────────────────────────────────────────────────────

export const executionStatuses = [
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "TIMED_OUT",
  "ABORTED",
] as const;
export const ExecutionStatus = z.enum(executionStatuses);

export const ExecutionSummary = z
  .object({
    executionArn: z.string(),
    name: z.string(),
    status: ExecutionStatus,
    startDate: isoDate,
    stopDate: isoDate.nullable(),
  })
  .openapi("ExecutionSummary");
export type ExecutionSummary = z.infer<typeof ExecutionSummary>;

export const StateRun = z
  .object({
    name: z.string(),
    type: z.string(),
    enteredAt: isoDate,
    exitedAt: isoDate.nullable(),
    durationMs: z.number().nullable(),
    input: json,
    output: json,
    /** Task attempts (1 + retries). */
    attempts: z.number().int(),
    errors: z.array(z.object({ at: isoDate, error: z.string(), cause: z.string().nullable() })),
    outcome: z.enum(["running", "succeeded", "failed", "caught"]),
  })
  .openapi("StateRun");
export type StateRun = z.infer<typeof StateRun>;

export const ExecutionDetail = ExecutionSummary.extend({
  input: json,
  output: json,
  error: z.string().nullable(),
  cause: z.string().nullable(),
  states: z.array(StateRun),
}).openapi("ExecutionDetail");
export type ExecutionDetail = z.infer<typeof ExecutionDetail>;

/** GET /admin/executions/counts: executions per status, each capped at `cap`. */
export const ExecutionCounts = z
  .object({
    counts: z.record(z.string(), z.number().int()),
    cap: z.number().int(),
    recentFailures: z.array(ExecutionSummary),
  })
  .openapi("ExecutionCounts");
export type ExecutionCounts = z.infer<typeof ExecutionCounts>;

export const StopExecutionRequest = z
  .object({ cause: z.string().trim().min(3).max(500) })
  .strict()
  .openapi("StopExecutionRequest");

// ─── Events ─────────────────────────────────────────────────────────────────

export const ReplaySummary = z
  .object({
    name: z.string(),
    state: z.string(),
    from: isoDate,
    to: isoDate,
    startedAt: isoDate.nullable(),
    endedAt: isoDate.nullable(),
    reason: z.string().nullable(),
  })
  .openapi("Replay");
export type ReplaySummary = z.infer<typeof ReplaySummary>;

export const ReplayRequest = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    detailTypes: z.array(z.string().min(1)).min(1).max(10),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), {
    message: "`from` must be before `to`",
    path: ["to"],
  })
  .refine((r) => Date.parse(r.to) <= Date.now(), {
    message: "a replay window cannot end in the future",
    path: ["to"],
  })
  .openapi("ReplayRequest");

// ─── Orders ─────────────────────────────────────────────────────────────────

export const orderStatuses = [
  "ACCEPTED",
  "PROCESSING",
  "AWAITING_APPROVAL",
  "APPROVED",
  "FULFILLED",
  "CANCELLED",
] as const;
export const OrderStatus = z.enum(orderStatuses);

export const OrderSummary = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    correlationId: z.string(),
    status: OrderStatus,
    totalCents: z.number().int(),
    currency: z.string(),
    flagged: z.boolean(),
    createdAt: isoDate,
    statusChangedAt: isoDate,
  })
  .openapi("OrderSummary");
export type OrderSummary = z.infer<typeof OrderSummary>;

export const JournalEntryView = z
  .object({
    at: isoDate,
    kind: z.string(),
    message: z.string(),
    correlationId: z.string(),
    actor: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("JournalEntry");
export type JournalEntryView = z.infer<typeof JournalEntryView>;

export const OrderDetail = z
  .object({
    order: OrderSummary.extend({
      lines: z.array(
        z.object({
          sku: z.string(),
          name: z.string(),
          quantity: z.number().int(),
          unitPriceCents: z.number().int(),
          lineTotalCents: z.number().int(),
        }),
      ),
      reviewReason: z.string().nullable(),
      executionArn: z.string().nullable(),
      reservation: z.record(z.string(), z.unknown()).nullable(),
      approval: z.record(z.string(), z.unknown()).nullable(),
      cancellation: z.record(z.string(), z.unknown()).nullable(),
      notifications: z.array(z.string()),
    }),
    payment: z.record(z.string(), z.unknown()).nullable(),
    /** Every hop, oldest first, merged from every item of the order. */
    timeline: z.array(JournalEntryView),
    /** Money movements: the payment item's own journal (authorise, capture, void, refund). */
    ledger: z.array(JournalEntryView),
  })
  .openapi("OrderDetail");
export type OrderDetail = z.infer<typeof OrderDetail>;

export const LogLine = z
  .object({
    at: isoDate,
    level: z.string(),
    message: z.string(),
    service: z.string().nullable(),
    requestId: z.string().nullable(),
    fields: z.record(z.string(), z.unknown()),
  })
  .openapi("LogLine");
export type LogLine = z.infer<typeof LogLine>;

// ─── Approvals ──────────────────────────────────────────────────────────────

export const ApprovalView = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    correlationId: z.string(),
    orderStatus: OrderStatus,
    status: z.enum(["PENDING", "APPROVED", "REJECTED", "EXPIRED"]),
    reason: z.string().nullable(),
    amountCents: z.number().int(),
    currency: z.string(),
    requestedAt: isoDate,
    deadline: isoDate,
    decidedBy: z.string().nullable(),
    decidedAt: isoDate.nullable(),
    comment: z.string().nullable(),
  })
  .openapi("Approval");
export type ApprovalView = z.infer<typeof ApprovalView>;

export const DecisionRequest = z
  .object({
    decision: z.enum(["APPROVE", "REJECT"]),
    comment: z.string().trim().max(1000).default(""),
  })
  .strict()
  .refine((d) => d.decision === "APPROVE" || d.comment.length >= 3, {
    message: "say why when rejecting (at least 3 characters)",
    path: ["comment"],
  })
  .openapi("DecisionRequest");
