import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { stockKey } from "@orders/core/inventory";
import { getOrder } from "@orders/core/order";
import { auth, orderPolicy } from "@orders/core/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminFetch } from "../test/signed-fetch";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { queueUrl } from "./cloud/names";
import { fakeCredentials, REGION } from "./config";
import { deployment } from "./graph";

// Issue 16 part 4, "a deadline on every saga", on the local cloud: a flagged
// order waits for an operator longer than the saga's own deadline allows (the
// approval timeout is an hour, the deadline seconds). The execution ends
// TIMED_OUT — no Catch runs — our Step Functions emits "Step Functions
// Execution Status Change" to the default bus, the SagaEndedToCompensator rule
// invokes the SagaCompensator, and it voids, releases and cancels. The
// deadline is measured from the execution's start, so it holds across a
// restart of the whole cloud.

const SAGA_TIMEOUT_SECONDS = 15;
const APPROVAL_TIMEOUT_SECONDS = 3_600;
const run = Date.now().toString(36).toUpperCase();
let dir: string;
let cloud: LocalCloud;
let doc: DynamoDBDocumentClient;
let sfn: SFNClient;
let sqs: SQSClient;
let lambda: LambdaClient;
let ops: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (last: ${String(last)})` : ""}`);
    await sleep(500);
  }
}

async function start() {
  cloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    hotReload: false,
    approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
    sagaTimeoutSeconds: SAGA_TIMEOUT_SECONDS,
  });
  const config = { endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials };
  doc = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  sfn = new SFNClient(config);
  sqs = new SQSClient(config);
  lambda = new LambdaClient(config);
  ops = await token("operator-1", [auth.operatorGroup]);
}

async function stop() {
  doc?.destroy();
  sfn?.destroy();
  sqs?.destroy();
  lambda?.destroy();
  await cloud?.stop();
}

async function faults(body: Record<string, string>) {
  const response = await fetch(`${cloud.urls.web}/_local/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

async function token(sub: string, groups: string[] = []) {
  const response = await fetch(`${cloud.urls.web}/auth/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, groups }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function admin(path: string) {
  const response = await fetch(`${cloud.urls.web}/api/admin${path}`, {
    headers: { authorization: `Bearer ${ops}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A flagged SKU of this run with its own stock. */
async function flaggedSku(name: string, stock: number) {
  const sku = `SKU-D${run}-${name}`;
  await doc.send(
    new PutCommand({
      TableName: deployment().tables.InventoryTable.name,
      Item: {
        ...stockKey(sku),
        entity: "SKU",
        sku,
        name: `deadline ${name}`,
        priceCents: orderPolicy.approvalThresholdCents + 100,
        currency: "USD",
        available: stock,
        reviewRequired: false,
      },
    }),
  );
  return sku;
}

async function available(sku: string) {
  const { Item } = await doc.send(
    new GetCommand({
      TableName: deployment().tables.InventoryTable.name,
      Key: stockKey(sku),
      ConsistentRead: true,
    }),
  );
  return Item?.available as number;
}

async function submit(customer: string, sku: string) {
  const response = await fetch(`${cloud.urls.web}/api/orders`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await token(customer)}`,
      "content-type": "application/json",
      "idempotency-key": crypto.randomUUID(),
    },
    body: JSON.stringify({
      lines: [{ sku, quantity: 2 }],
      currency: "USD",
      payment: { card: "tok_approve" },
    }),
  });
  const body = (await response.json()) as { orderId: string };
  expect(response.status, JSON.stringify(body)).toBe(202);
  return body.orderId;
}

const order = (orderId: string) =>
  getOrder({ doc, ordersTable: deployment().tables.OrdersTable.name }, orderId);

/** Waiting for an operator, with its payment authorised: the saga holds everything. */
async function awaitingApproval(orderId: string) {
  return eventually(`${orderId} waiting for approval, authorised`, async () => {
    const o = await order(orderId);
    const payment = await doc.send(
      new GetCommand({
        TableName: deployment().tables.OrdersTable.name,
        Key: { pk: `ORDER#${orderId}`, sk: "PAYMENT" },
        ConsistentRead: true,
      }),
    );
    return o?.status === "AWAITING_APPROVAL" && payment.Item?.status === "AUTHORIZED"
      ? o
      : undefined;
  });
}

async function ledger(orderId: string) {
  const response = await adminFetch(`${cloud.urls.paymentProvider}/v1/ledger?orderId=${orderId}`);
  return (await response.json()) as { authorizations: { status: string; capturedCents: number }[] };
}

/** The order as the compensator leaves it: cancelled for the deadline, nothing held or charged. */
async function compensated(orderId: string, sku: string, stock: number) {
  const cancelled = await eventually(`${orderId} cancelled by the compensator`, async () => {
    const o = await order(orderId);
    return o?.status === "CANCELLED" ? o : undefined;
  });
  expect(cancelled.cancellation).toMatchObject({ error: "States.Timeout" });
  expect(cancelled.approval?.status).toBe("EXPIRED");
  expect(cancelled.reservation?.state).toBe("RELEASED");
  expect(await available(sku)).toBe(stock);
  const { authorizations } = await ledger(orderId);
  expect(authorizations.map((a) => a.status)).toEqual(["voided"]);
  expect(authorizations[0]?.capturedCents ?? 0).toBe(0);
  return cancelled;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "saga-deadline-"));
  await start();
}, 180_000);

afterAll(async () => {
  await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a deadline on every saga", { timeout: 300_000 }, () => {
  it("times out a saga waiting past its deadline; the compensator voids, releases and cancels", async () => {
    const sku = await flaggedSku("WAIT", 5);
    const orderId = await submit("dana", sku);
    const waiting = await awaitingApproval(orderId);
    expect(await available(sku)).toBe(3);
    const executionArn = waiting.executionArn!;

    const cancelled = await compensated(orderId, sku, 5);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe("TIMED_OUT");
    expect(described.error).toBe("States.Timeout");
    // The approval window (an hour) had not passed: the saga's deadline ended it.
    expect(Date.parse(cancelled.updatedAt) - Date.parse(waiting.createdAt)).toBeLessThan(
      APPROVAL_TIMEOUT_SECONDS * 1000,
    );

    // The console lists it as timed out, and its detail says so.
    const listed = await admin("/executions?status=TIMED_OUT");
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ executionArn, status: "TIMED_OUT" }),
    );
    const detail = await admin(`/executions/${encodeURIComponent(executionArn)}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
  });

  it("sends a compensation that keeps failing to SagaCompensationDlq; invoking it again with the letter finishes it", async () => {
    const sku = await flaggedSku("DOWN", 3);
    const orderId = await submit("fay", sku);
    const waiting = await awaitingApproval(orderId);
    // The provider is down when the deadline passes: voiding fails, every retry too.
    await faults({ PaymentSandbox: "down" });
    let letter: { requestPayload: unknown; requestContext: { condition: string } };
    try {
      letter = await eventually("a letter in SagaCompensationDlq", async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl(cloud.urls.aws, "SagaCompensationDlq"),
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
          }),
        );
        return Messages.map((m) => JSON.parse(m.Body ?? "{}")).find(
          (l) => l.requestPayload?.detail?.executionArn === waiting.executionArn,
        );
      });
    } finally {
      await faults({ PaymentSandbox: "up" });
    }
    expect(letter.requestContext.condition).toBe("RetriesExhausted");
    expect((await order(orderId))?.status).toBe("AWAITING_APPROVAL");
    expect(await available(sku)).toBe(1);

    // What an operator does with the letter: invoke the compensator with its event.
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "SagaCompensator",
        Payload: Buffer.from(JSON.stringify(letter.requestPayload)),
      }),
    );
    expect(out.FunctionError).toBeUndefined();
    await compensated(orderId, sku, 3);
  });

  it("holds the deadline across a restart, measured from the execution's start", async () => {
    const sku = await flaggedSku("RESTART", 4);
    const orderId = await submit("erik", sku);
    const waiting = await awaitingApproval(orderId);
    const executionArn = waiting.executionArn!;
    // Down before the deadline, back after it: the resumed execution times out at once.
    await stop();
    await sleep(SAGA_TIMEOUT_SECONDS * 1000);
    await start();
    await compensated(orderId, sku, 4);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe("TIMED_OUT");
    // Timed out at its deadline's check on resume, not a full deadline after the restart.
    expect(described.stopDate!.getTime() - described.startDate!.getTime()).toBeGreaterThanOrEqual(
      SAGA_TIMEOUT_SECONDS * 1000,
    );
  });
});
