import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { sagaDefinition } from "../topology";
import { approvalState, approvalTimedOut, decisionIn } from "./rules";

// Which stream records carry a decision, and which execution histories mean the
// approval wait itself timed out (histories shaped as GetExecutionHistory returns them).

const order = (approval: Record<string, unknown> | undefined) => ({
  pk: "ORDER#ord_1",
  sk: "META",
  entity: "ORDER",
  orderId: "ord_1",
  customerId: "c",
  idempotencyKey: "k",
  requestHash: "h",
  correlationId: "corr-1",
  status: "AWAITING_APPROVAL",
  lines: [],
  totalCents: 250_000,
  currency: "USD",
  flagged: true,
  reviewReason: null,
  payment: { method: "card", token: "tok_approve" },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  statusChangedAt: "2026-01-01T00:00:00.000Z",
  executionArn: "arn:aws:states:us-east-1:0:execution:saga:e1",
  journal: [],
  ...(approval
    ? {
        approval: {
          taskToken: "tok-1",
          requestedAt: "2026-01-01T00:00:00.000Z",
          deadline: "2026-01-02T00:00:00.000Z",
          reason: null,
          amountCents: 250_000,
          currency: "USD",
          ...approval,
        },
      }
    : {}),
});

describe("decisionIn", () => {
  it("finds the decision in the write that moved the approval out of PENDING", () => {
    const decided = order({
      status: "APPROVED",
      decidedBy: "olivia",
      decidedAt: "2026-01-01T01:00:00.000Z",
    });
    expect(decisionIn(order({ status: "PENDING" }), decided)).toEqual({
      orderId: "ord_1",
      correlationId: "corr-1",
      executionArn: "arn:aws:states:us-east-1:0:execution:saga:e1",
      taskToken: "tok-1",
      status: "APPROVED",
      decidedBy: "olivia",
      decidedAt: "2026-01-01T01:00:00.000Z",
      comment: undefined,
    });
    expect(
      decisionIn(order({ status: "PENDING" }), order({ status: "REJECTED", comment: "no" })),
    ).toMatchObject({ status: "REJECTED", comment: "no" });
  });

  it("finds none in any other write: insert, later writes, expiry, other items", () => {
    const approved = order({ status: "APPROVED" });
    expect(decisionIn(undefined, approved)).toBeUndefined();
    expect(decisionIn(approved, { ...approved, status: "FULFILLED" })).toBeUndefined();
    expect(decisionIn(approved, order({ status: "EXPIRED" }))).toBeUndefined();
    expect(decisionIn(order({ status: "PENDING" }), order({ status: "EXPIRED" }))).toBeUndefined();
    expect(decisionIn(order(undefined), order({ status: "PENDING" }))).toBeUndefined();
    expect(
      decisionIn(
        { ...order({ status: "PENDING" }), sk: "PAYMENT" },
        { ...order({ status: "APPROVED" }), sk: "PAYMENT" },
      ),
    ).toBeUndefined();
  });
});

const entered = (name: string, type = "TaskStateEntered"): HistoryEvent =>
  ({ type, stateEnteredEventDetails: { name } }) as HistoryEvent;
const exited = (name: string, type = "TaskStateExited"): HistoryEvent =>
  ({ type, stateExitedEventDetails: { name } }) as HistoryEvent;
const event = (type: string, details: Record<string, unknown> = {}): HistoryEvent =>
  ({ type, ...details }) as HistoryEvent;

const untilWaiting = [
  event("ExecutionStarted"),
  entered("ClaimOrder"),
  event("TaskSucceeded"),
  exited("ClaimOrder"),
  entered("NeedsApproval", "ChoiceStateEntered"),
  exited("NeedsApproval", "ChoiceStateExited"),
  entered("AwaitApproval"),
  event("TaskScheduled"),
  event("TaskStarted"),
  event("TaskSubmitted"),
];

describe("approvalTimedOut", () => {
  it("names the saga's approval state", () => {
    expect(sagaDefinition.States).toHaveProperty(approvalState);
    expect(
      (sagaDefinition.States as Record<string, { Resource?: string }>)[approvalState]?.Resource,
    ).toMatch(/waitForTaskToken$/);
  });

  it("is true when AwaitApproval's task timed out (States.Timeout), caught into compensation", () => {
    expect(
      approvalTimedOut([
        ...untilWaiting,
        event("TaskTimedOut", { taskTimedOutEventDetails: { error: "States.Timeout" } }),
        entered("VoidPayment"),
        event("TaskSucceeded"),
      ]),
    ).toBe(true);
  });

  it("is false when a callback closed the task: success, or the rejection's failure", () => {
    expect(
      approvalTimedOut([...untilWaiting, event("TaskSucceeded"), exited("AwaitApproval")]),
    ).toBe(false);
    expect(
      approvalTimedOut([
        ...untilWaiting,
        event("TaskFailed", { taskFailedEventDetails: { error: "Rejected" } }),
        entered("VoidPayment"),
      ]),
    ).toBe(false);
  });

  it("is false when the execution as a whole ended: its own timeout, a stop, a failure", () => {
    expect(approvalTimedOut([...untilWaiting, event("ExecutionTimedOut")])).toBe(false);
    expect(approvalTimedOut([...untilWaiting, event("ExecutionAborted")])).toBe(false);
    expect(approvalTimedOut([...untilWaiting, event("ExecutionFailed")])).toBe(false);
  });

  it("is false for another task's timeout", () => {
    expect(
      approvalTimedOut([
        ...untilWaiting,
        event("TaskSucceeded"),
        exited("AwaitApproval"),
        entered("CapturePayment"),
        event("TaskTimedOut", { taskTimedOutEventDetails: { error: "States.Timeout" } }),
      ]),
    ).toBe(false);
  });
});
