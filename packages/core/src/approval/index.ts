import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { DomainError, isConditionalCheckFailed } from "../errors";
import { appendJournalExpression, journalEntry, journalNames, journalValues } from "../journal";
import { indexes, orderKey } from "../order/keys";
import {
  getOrder,
  type OrdersDb,
  type Page,
  transitionOrder,
  unmarshallIfNeeded,
} from "../order/repository";
import { OrderRecord } from "../order/schema";

// Manual approval (seed §7.4). The saga's AwaitApproval task sends a message
// with a task token; the approvals worker stores it on the order (status
// AWAITING_APPROVAL, `approval.status` PENDING — listed through the byStatus
// index); an operator decides through the admin API, which calls
// `decideApproval`: a conditional PENDING → APPROVED/REJECTED write, which
// keeps the task token on the item. That write is the commit point: its stream
// record delivers the callback (./delivery.ts, the ApprovalCallbacks function),
// retried until the saga has it, the way OrderPlaced leaves through the
// stream. Deciding twice, or after the deadline, is an ApprovalConflict.

/** The message AwaitApproval puts on the approvals queue (fulfillment-saga.asl.json). */
export const ApprovalRequest = z.object({
  orderId: z.string().min(1),
  correlationId: z.string().min(1),
  customerId: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  reason: z.string().nullable().optional(),
  requestedAt: z.string(),
  timeoutSeconds: z.coerce.number().int().positive(),
  taskToken: z.string().min(1),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export const Decision = z.enum(["APPROVE", "REJECT"]);
export type Decision = z.infer<typeof Decision>;

export const DecideApprovalInput = z.object({
  orderId: z.string().min(1),
  decision: Decision,
  /** The operator (JWT sub or username). */
  decidedBy: z.string().min(1),
  comment: z.string().max(1000).optional(),
});
export type DecideApprovalInput = z.infer<typeof DecideApprovalInput>;

/** 404: no such order, or it never waited for approval. */
export class ApprovalNotFound extends DomainError {
  constructor(orderId: string) {
    super("APPROVAL_NOT_FOUND", `Order ${orderId} has no approval to decide`, 404);
  }
}

/** 409: already decided, or the deadline passed. */
export class ApprovalConflict extends DomainError {
  constructor(
    readonly reason: "ALREADY_DECIDED" | "APPROVAL_EXPIRED",
    message: string,
    details?: unknown,
  ) {
    super(reason, message, 409, details);
  }
}

export const approvalDeadline = (requestedAt: string, timeoutSeconds: number) =>
  new Date(Date.parse(requestedAt) + timeoutSeconds * 1000).toISOString();

/** Approvals worker: store the pending approval. Idempotent on the task token. */
export async function recordPendingApproval(
  db: OrdersDb,
  request: ApprovalRequest,
  now: () => Date = () => new Date(),
): Promise<{ recorded: boolean; reason?: string }> {
  const at = now().toISOString();
  const deadline = approvalDeadline(request.requestedAt, request.timeoutSeconds);
  const result = await transitionOrder(db, {
    orderId: request.orderId,
    to: "AWAITING_APPROVAL",
    at,
    set: {
      approval: {
        status: "PENDING",
        taskToken: request.taskToken,
        requestedAt: request.requestedAt,
        deadline,
        reason: request.reason ?? null,
        amountCents: request.totalCents,
        currency: request.currency,
      },
    },
    condition: { expression: "attribute_not_exists(approval)" },
    entry: journalEntry({
      at,
      kind: "APPROVAL_REQUESTED",
      message: `Waiting for an operator's approval until ${deadline}${request.reason ? `: ${request.reason}` : ""}`,
      correlationId: request.correlationId,
      actor: "approvals-worker",
      data: { deadline },
    }),
  });
  if (result.changed) return { recorded: true };
  const current = result.current ?? (await getOrder(db, request.orderId));
  if (current?.approval?.taskToken === request.taskToken)
    return { recorded: false, reason: "duplicate" };
  return { recorded: false, reason: current ? `order is ${current.status}` : "order not found" };
}

export interface PendingApproval {
  orderId: string;
  customerId: string;
  correlationId: string;
  amountCents: number;
  currency: string;
  reason: string | null;
  requestedAt: string;
  deadline: string;
  lines: OrderRecord["lines"];
}

/** Pending approvals, oldest request (nearest deadline) first. No task tokens leave the table. */
export async function listPendingApprovals(
  db: OrdersDb,
  options: { limit?: number; nextToken?: string } = {},
): Promise<Page<PendingApproval>> {
  const page = await db.doc.send(
    new QueryCommand({
      TableName: db.ordersTable,
      IndexName: indexes.byStatus,
      KeyConditionExpression: "gsi1pk = :pk",
      FilterExpression: "approval.#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":pk": "STATUS#AWAITING_APPROVAL", ":pending": "PENDING" },
      Limit: options.limit ?? 50,
      ExclusiveStartKey: options.nextToken
        ? JSON.parse(Buffer.from(options.nextToken, "base64url").toString())
        : undefined,
    }),
  );
  return {
    items: (page.Items ?? []).map((item) => {
      const order = OrderRecord.parse(item);
      const approval = order.approval!;
      return {
        orderId: order.orderId,
        customerId: order.customerId,
        correlationId: order.correlationId,
        amountCents: approval.amountCents,
        currency: approval.currency,
        reason: approval.reason,
        requestedAt: approval.requestedAt,
        deadline: approval.deadline,
        lines: order.lines,
      };
    }),
    nextToken: page.LastEvaluatedKey
      ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString("base64url")
      : undefined,
  };
}

export interface DecideDeps {
  db: OrdersDb;
  now?: () => Date;
}

export interface DecisionResult {
  orderId: string;
  status: "APPROVED" | "REJECTED";
  decidedBy: string;
  decidedAt: string;
}

/**
 * The admin API's approve/reject. Records the decision with a conditional
 * write (PENDING → APPROVED | REJECTED, before the deadline) and returns: the
 * saga resumes shortly after, when the write's stream record reaches
 * ApprovalCallbacks. Throws ApprovalNotFound (404) or ApprovalConflict (409).
 */
export async function decideApproval(
  deps: DecideDeps,
  input: DecideApprovalInput,
): Promise<DecisionResult> {
  const { orderId, decision, decidedBy, comment } = DecideApprovalInput.parse(input);
  const at = (deps.now?.() ?? new Date()).toISOString();
  const status = decision === "APPROVE" ? "APPROVED" : "REJECTED";
  const order = await getOrder(deps.db, orderId);
  if (!order?.approval) throw new ApprovalNotFound(orderId);
  const correlationId = order.correlationId;
  const entry = journalEntry({
    at,
    kind: "APPROVAL_DECIDED",
    message: `${status === "APPROVED" ? "Approved" : "Rejected"} by ${decidedBy}${comment ? `: ${comment}` : ""}`,
    correlationId,
    actor: `operator:${decidedBy}`,
    data: { decision: status },
  });
  const approvalSet = {
    "approval.status": status,
    "approval.decidedBy": decidedBy,
    "approval.decidedAt": at,
    ...(comment ? { "approval.comment": comment } : {}),
  };
  const pendingCondition = {
    expression: "approval.#astatus = :pending AND approval.deadline > :now",
    names: { "#astatus": "status" },
    values: { ":pending": "PENDING", ":now": at },
  };

  let current: OrderRecord | undefined;
  let recorded: boolean;
  if (status === "APPROVED") {
    const result = await transitionOrder(deps.db, {
      orderId,
      to: "APPROVED",
      at,
      set: approvalSet,
      condition: pendingCondition,
      entry,
    });
    recorded = result.changed;
    if (!result.changed) current = result.current;
  } else {
    // A rejection leaves the status to the saga's compensation (→ CANCELLED).
    const names: Record<string, string> = {
      ...journalNames,
      ...pendingCondition.names,
      "#status": "status",
    };
    const values: Record<string, unknown> = {
      ...journalValues(entry),
      ...pendingCondition.values,
      ":awaiting": "AWAITING_APPROVAL",
      ":at": at,
    };
    const sets = Object.entries(approvalSet).map(([path, value], i) => {
      values[`:v${i}`] = value;
      const [head, tail] = path.split(".");
      names[`#v${i}`] = tail!;
      return `${head}.#v${i} = :v${i}`;
    });
    try {
      await deps.db.doc.send(
        new UpdateCommand({
          TableName: deps.db.ordersTable,
          Key: orderKey(orderId),
          UpdateExpression: `SET ${[...sets, "updatedAt = :at", appendJournalExpression].join(", ")}`,
          ConditionExpression: `#status = :awaiting AND ${pendingCondition.expression}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      recorded = true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      recorded = false;
      const item = (error as { Item?: Record<string, unknown> }).Item;
      current = item ? OrderRecord.parse(unmarshallIfNeeded(item)) : undefined;
    }
  }
  if (!recorded) {
    current ??= await getOrder(deps.db, orderId);
    const approval = current?.approval;
    if (!approval) throw new ApprovalNotFound(orderId);
    if (approval.status === "EXPIRED") {
      throw new ApprovalConflict("APPROVAL_EXPIRED", "The approval expired before a decision", {
        deadline: approval.deadline,
      });
    }
    if (approval.status !== "PENDING") {
      throw new ApprovalConflict("ALREADY_DECIDED", `The approval is already ${approval.status}`, {
        status: approval.status,
        decidedBy: approval.decidedBy,
        decidedAt: approval.decidedAt,
      });
    }
    throw new ApprovalConflict(
      "APPROVAL_EXPIRED",
      `The approval deadline ${approval.deadline} has passed`,
      {
        deadline: approval.deadline,
      },
    );
  }

  return { orderId, status, decidedBy, decidedAt: at };
}

export * from "./delivery";
