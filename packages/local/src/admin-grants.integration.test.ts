import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  app,
  auth,
  type DlqName,
  detailTypes,
  holdsServiceEvents,
  queues,
} from "@orders/core/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { physicalQueueUrl } from "./cloud/names";
import { fakeCredentials, REGION } from "./config";
import { deployment } from "./graph";

// Every action the console offers an operator, through the admin API on the
// local cloud with IAM enforced: what its role was granted (the topology's
// AdminApi permissions) must let it do each one on every queue it lists, or
// the action fails on AWS with AccessDenied while a test on one queue passes.

const names = deployment();
let dir: string;
let cloud: LocalCloud;
let sqs: SQSClient;
let sfn: SFNClient;
let ops: string;

async function admin(path: string, init: RequestInit = {}) {
  const response = await fetch(`${cloud.urls.web}/api/admin${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ops}`, "content-type": "application/json" },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "admin-grants-"));
  // No consumers: letters stay where the test puts them.
  cloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    mappings: false,
    hotReload: false,
    log: () => {},
  });
  const config = { endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials };
  sqs = new SQSClient(config);
  sfn = new SFNClient(config);
  const response = await fetch(`${cloud.urls.web}/auth/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: "operator-grants", groups: [auth.operatorGroup] }),
  });
  ops = ((await response.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  sqs?.destroy();
  sfn?.destroy();
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const dlqs = (Object.keys(queues) as (keyof typeof queues)[]).filter(
  (name): name is DlqName => queues[name].kind === "dlq",
);

describe("the admin API's grants cover every operator action", () => {
  it.each(dlqs)("peeks and redrives %s", async (dlq) => {
    const orderId = `ord_grants${dlq.toLowerCase()}`;
    const letter = JSON.stringify({
      source: app.eventSource,
      "detail-type": detailTypes.OrderPlaced,
      detail: { orderId, correlationId: `corr-${orderId}` },
    });
    // Two letters: redriving the chosen one puts the other back (ChangeMessageVisibility).
    for (const body of [letter, letter.replace(orderId, `${orderId}other`)])
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: physicalQueueUrl(cloud.urls.aws, names.queues[dlq].name),
          MessageBody: body,
        }),
      );
    const peek = await admin(`/queues/${dlq}/messages`);
    expect(peek.status, JSON.stringify(peek.body)).toBe(200);
    const messages = peek.body.messages as { messageId: string; body: string }[];
    const ours = messages.find((m) => m.body.includes(`"${orderId}"`));
    expect(ours).toBeDefined();
    const redrive = await admin(`/queues/${dlq}/redrive`, {
      method: "POST",
      body: JSON.stringify({ messageIds: [ours!.messageId] }),
    });
    // Service events and stream positions are peeked, never redriven (409); the rest move.
    const peekOnly = holdsServiceEvents(dlq) || queues[dlq].catches === "stream-failures";
    expect(redrive.status, JSON.stringify(redrive.body)).toBe(peekOnly ? 409 : 202);
    if (queues[dlq].catches === "consumer-failures") {
      // "Redrive all": SQS's StartMessageMoveTask back to the source queue.
      const all = await admin(`/queues/${dlq}/redrive`, { method: "POST", body: "{}" });
      expect(all.status, JSON.stringify(all.body)).toBe(202);
    }
  });

  it("lists the archive, the replays and the rules, and starts a replay", async () => {
    const listed = await admin("/events/replays");
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const now = Date.now();
    const started = await admin("/events/replays", {
      method: "POST",
      body: JSON.stringify({
        from: new Date(now - 3_600_000).toISOString(),
        to: new Date(now - 1_000).toISOString(),
        detailTypes: [detailTypes.OrderStatusChanged],
      }),
    });
    expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
  });

  it("stops an execution and finds orders by correlation id", async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: names.stateMachine.arn,
        // No order: nothing to journal, the stop itself is what is checked.
        input: JSON.stringify({ correlationId: "corr-grants" }),
      }),
    );
    const stopped = await admin(`/executions/${encodeURIComponent(executionArn!)}/stop`, {
      method: "POST",
      body: JSON.stringify({ cause: "grants test" }),
    });
    // Stopped, or already ended (409): either way IAM let the admin API ask.
    expect([200, 409], JSON.stringify(stopped.body)).toContain(stopped.status);
    const found = await admin("/orders?correlationId=corr-grants");
    expect(found.status, JSON.stringify(found.body)).toBe(200);
  });
});
