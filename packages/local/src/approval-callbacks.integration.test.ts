import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { getOrder, type OrderRecord } from "@orders/core/order";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloudProcess, startCloud, stopCloud } from "../test/cloud-process";
import { fakeCredentials, REGION } from "./config";
import { freePort } from "./engines/ports";
import { deployment } from "./graph";

// Issue 16: an operator's decision always reaches its saga. The decision is
// saved (the commit point) and its stream record delivers the callback. Here
// the callback fails after the decision is saved — SendTaskSuccess/Failure
// refused by the local cloud's fault control on :4566, no switch in any
// handler — and the local cloud is SIGKILLed and restarted: the approved
// order still fulfils, the rejected one is cancelled, and the approval ends
// EXPIRED only when the saga's approval wait really timed out.

const APPROVAL_TIMEOUT_SECONDS = 40;
const log = (line: string) => process.stderr.write(`approval-callbacks: ${line}\n`);
let dir: string;
let env: NodeJS.ProcessEnv;
let cloud: CloudProcess;
let doc: DynamoDBDocumentClient;
const db = () => ({ doc, ordersTable: deployment().tables.OrdersTable.name });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "approval-callbacks-"));
  env = {
    ...process.env,
    SOAK_DATA_DIR: dir,
    SOAK_WEB_PORT: String(await freePort()),
    SOAK_AWS_PORT: String(await freePort()),
    SOAK_APPROVAL_TIMEOUT_SECONDS: String(APPROVAL_TIMEOUT_SECONDS),
    SOAK_VISIBILITY_TIMEOUT_SECONDS: "",
    POWERTOOLS_LOG_LEVEL: "WARN",
    LOCAL_CHAOS: "",
  };
  cloud = await startCloud(env, log);
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials }),
  );
}, 180_000);

afterAll(async () => {
  if (cloud) await stopCloud(cloud, "SIGTERM");
  doc?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** SIGKILL the local cloud, optionally stay down a while, and start it again on the same data. */
async function killAndRestart(downMs = 0) {
  await stopCloud(cloud, "SIGKILL");
  if (downMs > 0) await sleep(downMs);
  cloud = await startCloud(env, log);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
) {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${String(last ?? "")}`);
    await sleep(250);
  }
}

async function token(sub: string, groups: string[] = []) {
  // Fresh each time: a restarted cloud may sign with a new key.
  const response = await fetch(`${cloud.urls.web}/auth/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, groups }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A flagged order (SKU-GIFT-CARD always needs review), waiting for an operator. */
async function awaitingApproval(): Promise<OrderRecord> {
  const response = await fetch(`${cloud.urls.web}/api/orders`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await token("callbacks-customer")}`,
      "content-type": "application/json",
      "idempotency-key": crypto.randomUUID(),
    },
    body: JSON.stringify({
      lines: [{ sku: "SKU-GIFT-CARD", quantity: 1 }],
      payment: { card: "tok_approve" },
    }),
  });
  const body = (await response.json()) as { orderId: string };
  expect(response.status, JSON.stringify(body)).toBe(202);
  return eventually(`a pending approval for ${body.orderId}`, async () => {
    const order = await getOrder(db(), body.orderId);
    return order?.approval?.status === "PENDING" ? order : undefined;
  });
}

async function decide(orderId: string, decision: "APPROVE" | "REJECT", comment = "") {
  const response = await fetch(`${cloud.urls.web}/api/admin/approvals/${orderId}/decision`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await token("callbacks-operator", ["ops"])}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ decision, comment }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface FaultState {
  failNext: number;
  failed: Record<"before-effect" | "after-effect", number>;
}

async function callbackFaults(set?: { failNext: number; when: "before-effect" | "after-effect" }) {
  const response = await fetch(`${cloud.urls.aws}/_local/faults/saga-callbacks`, {
    method: set ? "POST" : "GET",
    ...(set ? { headers: { "content-type": "application/json" }, body: JSON.stringify(set) } : {}),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as FaultState;
}

const settled = (orderId: string) =>
  eventually(`order ${orderId} to settle`, async () => {
    const order = await getOrder(db(), orderId);
    return order?.status === "FULFILLED" || order?.status === "CANCELLED" ? order : undefined;
  });

describe("an operator's decision reaches its saga", { timeout: 300_000 }, () => {
  it("fulfils an approved order and cancels a rejected one although their callbacks failed and the cloud was killed", async () => {
    const [approved, rejected] = await Promise.all([awaitingApproval(), awaitingApproval()]);
    // Every SendTaskSuccess/Failure fails from here until the restart.
    await callbackFaults({ failNext: 1_000_000, when: "before-effect" });

    // The admin API answers once the decision is saved.
    const approve = await decide(approved.orderId, "APPROVE", "known customer");
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    expect(approve.body).toMatchObject({ status: "APPROVED", decidedBy: "callbacks-operator" });
    const reject = await decide(rejected.orderId, "REJECT", "card testing pattern");
    expect(reject.status, JSON.stringify(reject.body)).toBe(200);
    expect(reject.body).toMatchObject({ status: "REJECTED" });

    // The deliveries are tried, and fail: the sagas are still waiting.
    await eventually("both callbacks to have failed", async () => {
      const state = await callbackFaults();
      return state.failed["before-effect"] >= 4 ? state : undefined;
    });
    expect((await getOrder(db(), approved.orderId))?.status).toBe("APPROVED");
    expect((await getOrder(db(), rejected.orderId))?.status).toBe("AWAITING_APPROVAL");

    await killAndRestart();
    expect((await callbackFaults()).failNext).toBe(0);

    const fulfilled = await settled(approved.orderId);
    expect(fulfilled).toMatchObject({ status: "FULFILLED", approval: { status: "APPROVED" } });
    const cancelled = await settled(rejected.orderId);
    expect(cancelled).toMatchObject({
      status: "CANCELLED",
      approval: { status: "REJECTED" },
      cancellation: { error: "Rejected" },
    });
  });

  it("keeps an approval APPROVED when its own earlier delivery closed the task and the answer was lost", async () => {
    const order = await awaitingApproval();
    const before = (await callbackFaults()).failed["after-effect"];
    // The next callback reaches the saga, but its answer is lost: the retry
    // finds the task closed (TaskTimedOut) and reads the history.
    await callbackFaults({ failNext: 1, when: "after-effect" });
    expect((await decide(order.orderId, "APPROVE")).status).toBe(200);
    const done = await settled(order.orderId);
    expect(done).toMatchObject({ status: "FULFILLED", approval: { status: "APPROVED" } });
    expect((await callbackFaults()).failed["after-effect"]).toBe(before + 1);
    expect(done.journal.map((e) => e.kind)).not.toContain("APPROVAL_EXPIRED");
  });

  it("ends the approval EXPIRED when the saga's approval wait timed out before the decision reached it", async () => {
    const order = await awaitingApproval();
    const deadline = Date.parse(order.approval!.deadline);
    await callbackFaults({ failNext: 1_000_000, when: "before-effect" });
    // Decided in time, delivered too late: the cloud is down across the deadline.
    await sleep(Math.max(0, deadline - Date.now() - 4_000));
    const approve = await decide(order.orderId, "APPROVE");
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    const failedBefore = (await callbackFaults()).failed["before-effect"];
    await eventually("the callback to have failed", async () =>
      (await callbackFaults()).failed["before-effect"] > failedBefore ? true : undefined,
    );
    await killAndRestart(Math.max(0, deadline - Date.now() + 2_000));

    const cancelled = await settled(order.orderId);
    expect(cancelled).toMatchObject({
      status: "CANCELLED",
      cancellation: { error: "States.Timeout" },
    });
    const expired = await eventually("the approval to end EXPIRED", async () => {
      const current = await getOrder(db(), order.orderId);
      return current?.approval?.status === "EXPIRED" ? current : undefined;
    });
    expect(expired.journal.map((e) => e.kind)).toContain("APPROVAL_EXPIRED");
  });
});
