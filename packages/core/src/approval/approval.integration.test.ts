import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderKey } from "../order/keys";
import { getOrder } from "../order/repository";
import { cancelOrder } from "../saga/steps";
import { type DynamoDbLocal, startDynamoDbLocal } from "../testing";
import {
  ApprovalConflict,
  ApprovalNotFound,
  decideApproval,
  listPendingApprovals,
  recordPendingApproval,
} from ".";

// Approval decisions against a real DynamoDB Local: the conditional decision
// write and its conflicts. The decision reaches the saga from the write's
// stream record (delivery.ts); its tests against the local cloud's Step
// Functions live in packages/local (approval-delivery.integration.test.ts).

let ddb: DynamoDbLocal;
const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
});
afterAll(() => ddb?.stop());

async function awaitingOrder(
  orderId: string,
  requestedAt = new Date().toISOString(),
  timeoutSeconds = 3600,
) {
  const now = new Date().toISOString();
  await ddb.doc.send(
    new PutCommand({
      TableName: ddb.tableNames.OrdersTable,
      Item: {
        ...orderKey(orderId),
        entity: "ORDER",
        orderId,
        customerId: "alice",
        idempotencyKey: orderId,
        requestHash: "h",
        correlationId: `corr-${orderId}`,
        status: "PROCESSING",
        lines: [],
        totalCents: 250_000,
        currency: "USD",
        flagged: true,
        reviewReason: "big",
        payment: { method: "card", token: "tok_approve" },
        createdAt: now,
        updatedAt: now,
        statusChangedAt: now,
        executionArn: "arn:x",
        journal: [],
      },
    }),
  );
  const request = {
    orderId,
    correlationId: `corr-${orderId}`,
    customerId: "alice",
    totalCents: 250_000,
    currency: "USD",
    reason: "big",
    requestedAt,
    timeoutSeconds,
    taskToken: `token-${orderId}`,
  };
  expect(await recordPendingApproval(db(), request)).toEqual({ recorded: true });
  return request;
}

describe("approvals", () => {
  it("records a pending approval once, with its deadline, listed for operators without the token", async () => {
    const request = await awaitingOrder("ord_a1", "2030-01-01T00:00:00.000Z", 86_400);
    expect(await recordPendingApproval(db(), request)).toEqual({
      recorded: false,
      reason: "duplicate",
    });
    const order = (await getOrder(db(), "ord_a1"))!;
    expect(order.status).toBe("AWAITING_APPROVAL");
    expect(order.approval).toMatchObject({
      status: "PENDING",
      deadline: "2030-01-02T00:00:00.000Z",
      amountCents: 250_000,
    });
    const { items } = await listPendingApprovals(db());
    expect(items).toContainEqual(
      expect.objectContaining({ orderId: "ord_a1", deadline: "2030-01-02T00:00:00.000Z" }),
    );
    expect(JSON.stringify(items)).not.toContain("token-ord_a1");
  });

  it("approves once: APPROVED with the task token kept; a second decision is a conflict", async () => {
    await awaitingOrder("ord_a2");
    const result = await decideApproval(
      { db: db() },
      { orderId: "ord_a2", decision: "APPROVE", decidedBy: "olivia", comment: "ok" },
    );
    expect(result).toMatchObject({ status: "APPROVED", decidedBy: "olivia" });
    const order = (await getOrder(db(), "ord_a2"))!;
    expect(order.status).toBe("APPROVED");
    // The stream record of this write is what delivers the callback.
    expect(order.approval).toMatchObject({
      status: "APPROVED",
      taskToken: "token-ord_a2",
      decidedBy: "olivia",
      comment: "ok",
    });
    const second = decideApproval(
      { db: db() },
      { orderId: "ord_a2", decision: "REJECT", decidedBy: "oscar" },
    );
    await expect(second).rejects.toBeInstanceOf(ApprovalConflict);
    await expect(second).rejects.toMatchObject({ code: "ALREADY_DECIDED", status: 409 });
    expect((await getOrder(db(), "ord_a2"))?.approval?.decidedBy).toBe("olivia");
  });

  it("lets only one of two concurrent decisions win", async () => {
    await awaitingOrder("ord_a3");
    const results = await Promise.allSettled([
      decideApproval({ db: db() }, { orderId: "ord_a3", decision: "APPROVE", decidedBy: "a" }),
      decideApproval({ db: db() }, { orderId: "ord_a3", decision: "REJECT", decidedBy: "b" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    expect((await getOrder(db(), "ord_a3"))?.approval?.decidedBy).toBe(
      (won[0] as PromiseFulfilledResult<{ decidedBy: string }>).value.decidedBy,
    );
  });

  it("rejects: REJECTED saved, the order's status left for the saga's cancel", async () => {
    await awaitingOrder("ord_a4");
    await decideApproval(
      { db: db() },
      { orderId: "ord_a4", decision: "REJECT", decidedBy: "olivia", comment: "fraud" },
    );
    expect(await getOrder(db(), "ord_a4")).toMatchObject({
      status: "AWAITING_APPROVAL",
      approval: { status: "REJECTED", comment: "fraud", taskToken: "token-ord_a4" },
    });
  });

  it("refuses a decision after the deadline", async () => {
    await awaitingOrder("ord_a5", "2020-01-01T00:00:00.000Z", 60);
    await expect(
      decideApproval({ db: db() }, { orderId: "ord_a5", decision: "APPROVE", decidedBy: "olivia" }),
    ).rejects.toMatchObject({ code: "APPROVAL_EXPIRED", status: 409 });
  });

  it("marks a pending approval EXPIRED when the saga's wait times out", async () => {
    await awaitingOrder("ord_a7");
    await cancelOrder(db(), {
      orderId: "ord_a7",
      correlationId: "c",
      executionArn: "arn:x",
      error: { Error: "States.Timeout" },
    });
    const order = (await getOrder(db(), "ord_a7"))!;
    expect(order).toMatchObject({ status: "CANCELLED", approval: { status: "EXPIRED" } });
    await expect(
      decideApproval({ db: db() }, { orderId: "ord_a7", decision: "APPROVE", decidedBy: "late" }),
    ).rejects.toMatchObject({ code: "APPROVAL_EXPIRED", status: 409 });
  });

  it("404s for an order without an approval", async () => {
    await expect(
      decideApproval({ db: db() }, { orderId: "ord_none", decision: "APPROVE", decidedBy: "x" }),
    ).rejects.toBeInstanceOf(ApprovalNotFound);
  });
});
