import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  DescribeReplayCommand,
  EventBridgeClient,
  StartReplayCommand,
} from "@aws-sdk/client-eventbridge";
import { ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { placedDetail } from "@orders/core/events";
import { loadPrices, stockKey } from "@orders/core/inventory";
import { getOrder, placeOrder } from "@orders/core/order";
import { app, auth, detailTypes, orderPolicy, type QueueName } from "@orders/core/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminFetch } from "../test/signed-fetch";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { queueUrl } from "./cloud/names";
import { ACCOUNT_ID, fakeCredentials, REGION } from "./config";
import { deployment } from "./graph";

// The whole pipeline end to end on one local cloud (issue 6's "Must show"):
// real DynamoDB Local, fauxqs, our EventBridge and Step Functions, the real
// handlers in the Lambda runner. Customers and operators talk HTTP to the web
// origin with tokens from the local OIDC provider; the test reads state
// through AWS SDK clients on the AWS endpoint. Independent cases run
// concurrently; the provider outage and the archive replay run alone, since
// they touch everything in flight.

const APPROVAL_TIMEOUT_SECONDS = 45;
const run = Date.now().toString(36).toUpperCase();
let dir: string;
let cloud: LocalCloud;
let ddb: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let sqs: SQSClient;
let sfn: SFNClient;
let events: EventBridgeClient;
let ops: string;

const tokens = new Map<string, string>();
async function token(sub: string, groups: string[] = []) {
  const key = `${sub}|${groups.join(",")}`;
  const cached = tokens.get(key);
  if (cached) return cached;
  const response = await fetch(`${cloud.urls.web}/auth/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, groups }),
  });
  expect(response.status).toBe(200);
  const { access_token } = (await response.json()) as { access_token: string };
  tokens.set(key, access_token);
  return access_token;
}

interface Submitted {
  status: number;
  body: { orderId: string; status: string; statusUrl: string; code?: string; message?: string };
}

async function submit(
  customer: string,
  order: { lines: { sku: string; quantity: number }[]; card?: string },
  idempotencyKey: string = crypto.randomUUID(),
): Promise<Submitted> {
  const response = await fetch(`${cloud.urls.web}/api/orders`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await token(customer)}`,
      "content-type": "application/json",
      "idempotency-key": idempotencyKey,
    },
    body: JSON.stringify({
      lines: order.lines,
      currency: "USD",
      payment: { card: order.card ?? "tok_approve" },
    }),
  });
  return { status: response.status, body: (await response.json()) as Submitted["body"] };
}

async function accepted(
  customer: string,
  order: { lines: { sku: string; quantity: number }[]; card?: string },
) {
  const out = await submit(customer, order);
  expect(out.status, JSON.stringify(out.body)).toBe(202);
  return out.body.orderId;
}

interface OrderView {
  status: string;
  timeline: { kind?: string; status?: string }[];
}

async function view(customer: string, orderId: string) {
  const response = await fetch(`${cloud.urls.web}/api/orders/${orderId}`, {
    headers: { authorization: `Bearer ${await token(customer)}` },
  });
  return { status: response.status, body: (await response.json()) as OrderView };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns a value (not undefined); fails with the last observation. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 200; ; delay = Math.min(delay * 1.5, 2_000)) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (last: ${String(last)})` : ""}`);
    await sleep(delay);
  }
}

async function settles(customer: string, orderId: string, statuses: string[], timeoutMs?: number) {
  let last = "";
  return eventually(
    `${orderId} to reach ${statuses.join("/")}`,
    async () => {
      const { body } = await view(customer, orderId);
      last = body.status;
      return statuses.includes(body.status) ? body : undefined;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last status ${last}`);
  });
}

async function ledger(orderId: string) {
  const response = await adminFetch(`${cloud.urls.paymentProvider}/v1/ledger?orderId=${orderId}`);
  const body = (await response.json()) as {
    authorizations: {
      status: string;
      capturedCents: number;
      history: { operation: string; outcome: string }[];
    }[];
  };
  const ops = body.authorizations.flatMap((a) => a.history.map((h) => h.operation));
  return {
    authorizations: body.authorizations,
    captures: ops.filter((o) => o === "capture").length,
    voids: ops.filter((o) => o === "void").length,
    authorizes: ops.filter((o) => o === "authorize").length,
  };
}

/** A SKU of this run with its own stock, so stock assertions see no other test. */
async function newSku(name: string, stock: number, priceCents = 1_000) {
  const sku = `SKU-T${run}-${name}`;
  await doc.send(
    new PutCommand({
      TableName: deployment().tables.InventoryTable.name,
      Item: {
        ...stockKey(sku),
        entity: "SKU",
        sku,
        name: `test ${name}`,
        priceCents,
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

async function queueDepth(name: QueueName) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl(cloud.urls.aws, name),
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function admin(path: string, init: RequestInit = {}) {
  const response = await fetch(`${cloud.urls.web}/api/admin${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${ops}`,
      "content-type": "application/json",
      ...(init.headers ?? {}),
    },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function pendingApproval(orderId: string) {
  return eventually(`a pending approval for ${orderId}`, async () => {
    const { status, body } = await admin("/approvals");
    expect(status).toBe(200);
    return (body.items as { orderId: string; status: string }[]).find((a) => a.orderId === orderId);
  });
}

async function ordersCount() {
  const { Count } = await ddb.send(
    new ScanCommand({ TableName: deployment().tables.OrdersTable.name, Select: "COUNT" }),
  );
  return Count ?? 0;
}

async function failedExecutions() {
  const { executions } = await sfn.send(
    new ListExecutionsCommand({
      stateMachineArn: deployment().stateMachine.arn,
      statusFilter: "FAILED",
      maxResults: 1000,
    }),
  );
  return executions?.length ?? 0;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pipeline-"));
  cloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    hotReload: false,
    approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
    // A failed message is received again within seconds, so it reaches its DLQ in a
    // test's time (5 receives ≈ 50 s, longer than the breaker's 30 s cooldown).
    visibilityTimeoutSeconds: 10,
  });
  const config = { endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials };
  ddb = new DynamoDBClient(config);
  doc = DynamoDBDocumentClient.from(ddb);
  sqs = new SQSClient(config);
  sfn = new SFNClient(config);
  events = new EventBridgeClient(config);
  ops = await token("operator-1", [auth.operatorGroup]);
}, 180_000);

afterAll(async () => {
  for (const c of [ddb, sqs, sfn, events]) c?.destroy();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent("the pipeline on the local cloud", { timeout: 240_000 }, () => {
  it("takes an order from ACCEPTED to FULFILLED: reserved, authorised, captured once", async () => {
    const sku = await newSku("HAPPY", 10);
    const orderId = await accepted("alice", { lines: [{ sku, quantity: 2 }] });
    const order = await settles("alice", orderId, ["FULFILLED", "CANCELLED"]);
    expect(order.status).toBe("FULFILLED");
    expect(await available(sku)).toBe(8);
    const paid = await ledger(orderId);
    expect(paid.captures).toBe(1);
    expect(paid.authorizations).toHaveLength(1);
    expect(paid.authorizations[0]!.capturedCents).toBe(2_000);
    // a customer sees only their own orders
    expect((await view("mallory", orderId)).status).toBe(404);
  });

  it("holds a flagged order for approval, then fulfils it when an operator approves", async () => {
    const sku = await newSku("APPROVE", 5, orderPolicy.approvalThresholdCents + 100);
    const orderId = await accepted("bob", { lines: [{ sku, quantity: 1 }] });
    await settles("bob", orderId, ["AWAITING_APPROVAL"]);
    const pending = await pendingApproval(orderId);
    expect(pending.status).toBe("PENDING");
    const decided = await admin(`/approvals/${orderId}/decision`, {
      method: "POST",
      body: JSON.stringify({ decision: "APPROVE", comment: "known customer" }),
    });
    expect(decided.status, JSON.stringify(decided.body)).toBeLessThan(300);
    expect((await settles("bob", orderId, ["FULFILLED", "CANCELLED"])).status).toBe("FULFILLED");
    expect(await available(sku)).toBe(4);
    expect((await ledger(orderId)).captures).toBe(1);
  });

  it("cancels a rejected order: inventory released, payment voided, nothing captured", async () => {
    const sku = await newSku("REJECT", 5, orderPolicy.approvalThresholdCents + 100);
    const orderId = await accepted("carol", { lines: [{ sku, quantity: 2 }] });
    await settles("carol", orderId, ["AWAITING_APPROVAL"]);
    await pendingApproval(orderId);
    expect(await available(sku)).toBe(3);
    const decided = await admin(`/approvals/${orderId}/decision`, {
      method: "POST",
      body: JSON.stringify({ decision: "REJECT", comment: "suspicious address" }),
    });
    expect(decided.status, JSON.stringify(decided.body)).toBeLessThan(300);
    expect((await settles("carol", orderId, ["FULFILLED", "CANCELLED"])).status).toBe("CANCELLED");
    expect(await available(sku)).toBe(5);
    await voided(orderId);
  });

  it("cancels a flagged order nobody decides on once the approval deadline passes", async () => {
    const sku = await newSku("TIMEOUT", 5, orderPolicy.approvalThresholdCents + 100);
    const orderId = await accepted("dave", { lines: [{ sku, quantity: 1 }] });
    await settles("dave", orderId, ["AWAITING_APPROVAL"]);
    expect(await available(sku)).toBe(4);
    const order = await settles(
      "dave",
      orderId,
      ["FULFILLED", "CANCELLED"],
      (APPROVAL_TIMEOUT_SECONDS + 90) * 1000,
    );
    expect(order.status).toBe("CANCELLED");
    expect(await available(sku)).toBe(5);
    await voided(orderId);
  });

  it("cancels a declined card and releases its inventory", async () => {
    const sku = await newSku("DECLINE", 5);
    const orderId = await accepted("erin", { lines: [{ sku, quantity: 3 }], card: "tok_decline" });
    expect((await settles("erin", orderId, ["FULFILLED", "CANCELLED"])).status).toBe("CANCELLED");
    expect(await available(sku)).toBe(5);
    const paid = await ledger(orderId);
    expect(paid.captures).toBe(0);
    expect(paid.authorizations.map((a) => a.status)).toEqual(["declined"]);
  });

  it("retries a transient provider failure until the payment succeeds", async () => {
    const sku = await newSku("TRANSIENT", 5);
    const orderId = await accepted("frank", {
      lines: [{ sku, quantity: 1 }],
      card: "tok_transient_2",
    });
    expect((await settles("frank", orderId, ["FULFILLED", "CANCELLED"])).status).toBe("FULFILLED");
    expect((await ledger(orderId)).captures).toBe(1);
  });

  it("sends a poison message to the payment DLQ after maxReceiveCount; its batch still succeeds", async () => {
    const sku = await newSku("POISON", 10);
    const poisonId = `poison-${run}`;
    // The poison and two real orders' events in one send: the worker receives them together.
    const orders = await Promise.all([1, 2].map(() => placeDirectly("grace", sku)));
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl(cloud.urls.aws, "PaymentQueue"),
        Entries: [
          { Id: "poison", MessageBody: JSON.stringify({ poison: poisonId }) },
          ...orders.map((o, i) => ({ Id: `order${i}`, MessageBody: JSON.stringify(o.event) })),
        ],
      }),
    );
    await eventually("the poison message in PaymentQueueDlq", async () => {
      const { body } = await admin("/queues/PaymentQueueDlq/messages");
      const messages = (body.messages ?? body.items ?? []) as { body?: string }[];
      return messages.some((m) => String(m.body ?? JSON.stringify(m)).includes(poisonId))
        ? true
        : undefined;
    });
    for (const o of orders) {
      expect((await settles("grace", o.orderId, ["FULFILLED", "CANCELLED"])).status).toBe(
        "FULFILLED",
      );
      expect((await ledger(o.orderId)).captures).toBe(1);
    }
    expect(await available(sku)).toBe(8);
  });

  it("changes nothing when the same message is delivered twice", async () => {
    const sku = await newSku("TWICE", 10);
    const placed = await placeDirectly("heidi", sku);
    // the stream outbox publishes it once; deliver it to the payment queue twice more
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl(cloud.urls.aws, "PaymentQueue"),
        Entries: [1, 2].map((i) => ({ Id: `dup${i}`, MessageBody: JSON.stringify(placed.event) })),
      }),
    );
    expect((await settles("heidi", placed.orderId, ["FULFILLED", "CANCELLED"])).status).toBe(
      "FULFILLED",
    );
    await sleep(2_000);
    const paid = await ledger(placed.orderId);
    expect(paid.authorizes).toBe(1);
    expect(paid.captures).toBe(1);
    expect(await available(sku)).toBe(9);
  });

  it("never oversells the last unit of stock to concurrent orders", async () => {
    const sku = await newSku("LAST", 1);
    const orderIds = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        accepted(`buyer-${i}`, { lines: [{ sku, quantity: 1 }] }),
      ),
    );
    const outcomes = await Promise.all(
      orderIds.map((id, i) => settles(`buyer-${i}`, id, ["FULFILLED", "CANCELLED"])),
    );
    expect(outcomes.filter((o) => o.status === "FULFILLED")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "CANCELLED")).toHaveLength(5);
    expect(await available(sku)).toBe(0);
    const paid = await Promise.all(orderIds.map(ledger));
    expect(paid.reduce((n, p) => n + p.captures, 0)).toBe(1);
  });

  it("turns 50 concurrent submissions with one Idempotency-Key into one order, one reservation, one capture", async () => {
    const sku = await newSku("IDEM", 100);
    const key = `idem-${run}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => submit("ivan", { lines: [{ sku, quantity: 1 }] }, key)),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    const ids = new Set(results.map((r) => r.body.orderId));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids] as [string];
    expect((await settles("ivan", orderId, ["FULFILLED", "CANCELLED"])).status).toBe("FULFILLED");
    expect(await available(sku)).toBe(99);
    const paid = await ledger(orderId);
    expect(paid.authorizations).toHaveLength(1);
    expect(paid.captures).toBe(1);
    // the key is the customer's: another customer's same key is another order
    const other = await submit("judy", { lines: [{ sku, quantity: 1 }] }, key);
    expect(other.status).toBe(202);
    expect(other.body.orderId).not.toBe(orderId);
    // the same key with another body is refused
    const changed = await submit("ivan", { lines: [{ sku, quantity: 2 }] }, key);
    expect(changed.status).toBeGreaterThanOrEqual(400);
    expect(changed.status).toBeLessThan(500);
    expect(changed.body.code).toEqual(expect.any(String));
  });

  it("publishes OrderPlaced from the stream when the ingress died after its write", async () => {
    const sku = await newSku("OUTBOX", 5);
    // The ingress's write without the ingress: nothing but the item in OrdersTable.
    const placed = await placeDirectly("ken", sku);
    expect((await settles("ken", placed.orderId, ["FULFILLED", "CANCELLED"])).status).toBe(
      "FULFILLED",
    );
    expect(await available(sku)).toBe(4);
    expect((await ledger(placed.orderId)).captures).toBe(1);
  });
});

describe("bad input", () => {
  const cases: { name: string; body: string; headers?: Record<string, string>; code?: string }[] = [
    { name: "malformed JSON", body: "{not json" },
    { name: "wrong types", body: JSON.stringify({ lines: "many", currency: 5, payment: {} }) },
    { name: "missing fields", body: JSON.stringify({ currency: "USD" }) },
    {
      name: "negative quantity",
      body: JSON.stringify({
        lines: [{ sku: "SKU-CABLE", quantity: -1 }],
        currency: "USD",
        payment: { card: "tok_approve" },
      }),
    },
    {
      name: "unknown SKU",
      body: JSON.stringify({
        lines: [{ sku: "SKU-DOES-NOT-EXIST", quantity: 1 }],
        currency: "USD",
        payment: { card: "tok_approve" },
      }),
    },
    {
      name: "oversized field",
      body: JSON.stringify({
        lines: [{ sku: "SKU-CABLE", quantity: 1 }],
        currency: "USD",
        payment: { card: "tok_approve" },
        note: "x".repeat(20_000),
      }),
    },
    {
      name: "too many lines",
      body: JSON.stringify({
        lines: Array.from({ length: orderPolicy.maxLinesPerOrder + 1 }, () => ({
          sku: "SKU-CABLE",
          quantity: 1,
        })),
        currency: "USD",
        payment: { card: "tok_approve" },
      }),
    },
  ];

  it("answers every bad order with a 4xx JSON error with a stable code, and writes nothing", async () => {
    const before = await ordersCount();
    const customer = await token("bad-input");
    for (const c of cases) {
      const response = await fetch(`${cloud.urls.web}/api/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${customer}`, "content-type": "application/json" },
        body: c.body,
      });
      const body = (await response.json()) as { code?: string; message?: string };
      expect(response.status, `${c.name}: ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(response.status, c.name).toBeLessThan(500);
      expect(body.code, c.name).toMatch(/^[A-Z_]+$/);
      expect(body.message, c.name).toEqual(expect.any(String));
    }
    expect(await ordersCount()).toBe(before);
  });

  it("refuses missing, expired and forged tokens with 401 JSON, and writes nothing", async () => {
    const before = await ordersCount();
    const valid = await token("token-holder");
    const [header, payload] = valid.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const reissue = (changes: Record<string, unknown>) =>
      `${header}.${Buffer.from(JSON.stringify({ ...claims, ...changes })).toString("base64url")}.${valid.split(".")[2]}`;
    const body = JSON.stringify({
      lines: [{ sku: "SKU-CABLE", quantity: 1 }],
      currency: "USD",
      payment: { card: "tok_approve" },
    });
    const attempts: [string, Record<string, string>][] = [
      ["missing", {}],
      ["garbage", { authorization: "Bearer not.a.jwt" }],
      [
        "expired",
        { authorization: `Bearer ${reissue({ exp: Math.floor(Date.now() / 1000) - 60 })}` },
      ],
      ["forged", { authorization: `Bearer ${reissue({ sub: "someone-else" })}` }],
    ];
    for (const [name, headers] of attempts) {
      const response = await fetch(`${cloud.urls.web}/api/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      expect(response.status, name).toBe(401);
      const answer = (await response.json()) as { message?: string; code?: string };
      expect(answer.message ?? answer.code, name).toEqual(expect.any(String));
    }
    expect(await ordersCount()).toBe(before);
  });
});

describe("alone: provider outage and archive replay", { timeout: 300_000 }, () => {
  it("opens the breaker in an outage, dead-letters the payments, and a redrive completes the orders", async () => {
    const sku = await newSku("OUTAGE", 10);
    const dlqBefore = await queueDepth("PaymentQueueDlq");
    await setSandbox("down");
    let orderIds: string[] = [];
    try {
      orderIds = await Promise.all(
        [1, 2, 3].map((i) => accepted(`outage-${i}`, { lines: [{ sku, quantity: 1 }] })),
      );
      await eventually(
        "the payments in PaymentQueueDlq",
        async () => ((await queueDepth("PaymentQueueDlq")) >= dlqBefore + 3 ? true : undefined),
        150_000,
      );
      const breakerLines = cloud.runner.logs
        .recent({ functionName: "PaymentWorker", limit: 500 })
        .filter((l) => /circuit/i.test(l.message));
      expect(breakerLines.length).toBeGreaterThan(0);
    } finally {
      await setSandbox("up");
    }
    for (const [i, id] of orderIds.entries()) {
      const { body } = await view(`outage-${i + 1}`, id);
      expect(body.status).not.toBe("FULFILLED");
      // The payment worker's last failed attempt put where and why on the
      // order's timeline, for operators: the customer's view leaves it out.
      expect(body.timeline.map((e) => e.kind)).not.toContain("DLQ_ARRIVAL");
      const detail = await admin(`/orders/${id}`);
      const timeline = detail.body.timeline as { kind: string; message: string }[];
      const deadLettered = timeline.filter((e) => e.kind === "DLQ_ARRIVAL");
      expect(deadLettered, JSON.stringify(timeline)).toHaveLength(1);
      expect(deadLettered[0]!.message).toMatch(/PaymentQueue; it goes to PaymentQueueDlq: \S/);
    }
    // An operator's "Redrive all": the admin API starts SQS's move task and
    // puts the redrive on each moved order's timeline.
    const redrive = await admin("/queues/PaymentQueueDlq/redrive", {
      method: "POST",
      body: "{}",
    });
    expect(redrive.status, JSON.stringify(redrive.body)).toBe(202);
    expect(redrive.body.mode).toBe("move-task");
    const outcomes = await Promise.all(
      orderIds.map((id, i) => settles(`outage-${i + 1}`, id, ["FULFILLED", "CANCELLED"])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["FULFILLED", "FULFILLED", "FULFILLED"]);
    for (const id of orderIds) expect((await ledger(id)).captures).toBe(1);
    expect(await available(sku)).toBe(7);
    const tasks = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: deployment().queues.PaymentQueueDlq.arn }),
    );
    expect(tasks.Results?.[0]?.Status).toMatch(/COMPLETED|RUNNING/);
    for (const id of orderIds) {
      const timeline = (await admin(`/orders/${id}`)).body.timeline as { kind: string }[];
      expect(
        timeline.filter((e) => e.kind === "REDRIVE"),
        JSON.stringify(timeline),
      ).toHaveLength(1);
    }
  });

  it("changes nothing when an order's events are replayed from the archive", async () => {
    const sku = await newSku("REPLAY", 10);
    const from = new Date(Date.now() - 1_000);
    const orderId = await accepted("replayer", { lines: [{ sku, quantity: 1 }] });
    expect((await settles("replayer", orderId, ["FULFILLED", "CANCELLED"])).status).toBe(
      "FULFILLED",
    );
    const failedBefore = await failedExecutions();
    const to = new Date(Date.now() + 1_000);
    const replayName = `replay-${run}`;
    await events.send(
      new StartReplayCommand({
        ReplayName: replayName,
        EventSourceArn: deployment().archive.arn,
        Destination: { Arn: deployment().bus.arn },
        EventStartTime: from,
        EventEndTime: to,
      }),
    );
    await eventually("the replay to complete", async () => {
      const r = await events.send(new DescribeReplayCommand({ ReplayName: replayName }));
      if (r.State === "FAILED") throw new Error(`replay failed: ${r.StateReason}`);
      return r.State === "COMPLETED" ? r : undefined;
    });
    // let the replayed events reach the payment worker, the saga and the notifier
    await sleep(5_000);
    expect((await view("replayer", orderId)).body.status).toBe("FULFILLED");
    const paid = await ledger(orderId);
    expect(paid.authorizes).toBe(1);
    expect(paid.captures).toBe(1);
    expect(await available(sku)).toBe(9);
    const order = await getOrder(
      { doc, ordersTable: deployment().tables.OrdersTable.name },
      orderId,
    );
    expect(order?.status).toBe("FULFILLED");
    // a replayed OrderPlaced may start an execution, but the saga's claim ends it as a duplicate
    expect(await failedExecutions()).toBe(failedBefore);
  });
});

/**
 * No net charge: nothing captured, every authorisation the provider holds is
 * voided (or declined), and the order's payment is VOIDED — a tombstone when
 * the saga compensated before the payment worker authorised anything.
 */
async function voided(orderId: string) {
  let last: unknown;
  await eventually("the payment to be voided", async () => {
    const paid = await ledger(orderId);
    const { Item } = await doc.send(
      new GetCommand({
        TableName: deployment().tables.OrdersTable.name,
        Key: { pk: `ORDER#${orderId}`, sk: "PAYMENT" },
        ConsistentRead: true,
      }),
    );
    last = { payment: Item?.status, provider: paid.authorizations.map((a) => a.status) };
    return paid.captures === 0 &&
      paid.authorizations.every((a) => a.status === "voided" || a.status === "declined") &&
      Item?.status === "VOIDED"
      ? paid
      : undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(last)}`);
  });
}

async function setSandbox(state: "down" | "up") {
  const response = await fetch(`${cloud.urls.web}/_local/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ PaymentSandbox: state }),
  });
  expect(response.status).toBe(200);
}

/**
 * The ingress's write without the ingress (as if it died right after it):
 * core's placeOrder against OrdersTable; returns the OrderPlaced event the
 * outbox will publish, for tests that deliver it again.
 */
async function placeDirectly(customer: string, sku: string) {
  const result = await placeOrder(
    {
      db: { doc, ordersTable: deployment().tables.OrdersTable.name },
      loadPrices: (skus) =>
        loadPrices({ doc, inventoryTable: deployment().tables.InventoryTable.name }, skus),
      policy: { approvalThresholdCents: orderPolicy.approvalThresholdCents },
      newCorrelationId: () => crypto.randomUUID(),
    },
    {
      customerId: customer,
      idempotencyKey: crypto.randomUUID(),
      requestId: crypto.randomUUID(),
      correlationId: undefined,
      body: JSON.stringify({
        lines: [{ sku, quantity: 1 }],
        currency: "USD",
        payment: { card: "tok_approve" },
      }),
      isBase64Encoded: false,
    },
  );
  const order = await getOrder(
    { doc, ordersTable: deployment().tables.OrdersTable.name },
    result.orderId,
  );
  const event = {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": detailTypes.OrderPlaced,
    source: app.eventSource,
    account: ACCOUNT_ID,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail: placedDetail(order!),
  };
  return { orderId: result.orderId, event };
}
