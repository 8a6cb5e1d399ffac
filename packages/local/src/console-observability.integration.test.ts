import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { stockKey } from "@orders/core/inventory";
import { auth, queues } from "@orders/core/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { fakeCredentials, REGION } from "./config";
import { deployment } from "./graph";

// The console's log search and queue ages on a started local cloud: the admin
// API runs as deployed (no local branch), calling CloudWatch Logs Insights and
// CloudWatch GetMetricData, which the local AWS endpoint answers from the
// runner's log store and fauxqs' state.

let dir: string;
let cloud: LocalCloud;
let ddb: DynamoDBClient;

async function token(sub: string, groups: string[] = []) {
  const response = await fetch(`${cloud.urls.web}/auth/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, groups }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function admin<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${cloud.urls.web}/api/admin${path}`, {
    headers: { authorization: `Bearer ${await token("operator-1", [auth.operatorGroup])}` },
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (let delay = 200; ; delay = Math.min(delay * 1.5, 2_000)) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-observability-"));
  cloud = await startLocalCloud({ dataDir: dir, webPort: 0, awsPort: 0, hotReload: false });
  ddb = new DynamoDBClient({
    endpoint: cloud.urls.aws,
    region: REGION,
    credentials: fakeCredentials,
  });
}, 180_000);

afterAll(async () => {
  ddb?.destroy();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the console's observability on the local cloud", { timeout: 180_000 }, () => {
  it("follows one order's log lines across its functions (Logs Insights)", async () => {
    const sku = `SKU-LOGS-${Date.now().toString(36).toUpperCase()}`;
    await DynamoDBDocumentClient.from(ddb).send(
      new PutCommand({
        TableName: deployment().tables.InventoryTable.name,
        Item: {
          ...stockKey(sku),
          entity: "SKU",
          sku,
          name: "log search",
          priceCents: 1_000,
          currency: "USD",
          available: 5,
          reviewRequired: false,
        },
      }),
    );
    const placed = await fetch(`${cloud.urls.web}/api/orders`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await token("olga")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        lines: [{ sku, quantity: 1 }],
        currency: "USD",
        payment: { card: "tok_approve" },
      }),
    });
    expect(placed.status, await placed.clone().text()).toBe(202);
    const { orderId } = (await placed.json()) as { orderId: string };

    // Lines arrive as the order moves through the pipeline: wait until the
    // search shows more than the ingress.
    const result = await eventually("log lines from several functions", async () => {
      const out = await admin<{
        correlationId: string;
        lines: { at: string; service: string | null; fields: Record<string, unknown> }[];
      }>(`/orders/${orderId}/logs`);
      expect(out.status, JSON.stringify(out.body)).toBe(200);
      const services = new Set(out.body.lines.map((l) => l.service));
      return services.size >= 2 ? out.body : undefined;
    });
    expect(result.lines.every((l) => l.fields.correlation_id === result.correlationId)).toBe(true);
    const at = result.lines.map((l) => l.at);
    expect(at).toEqual([...at].sort());
    // The log group SST points the function at, as the synthesized graph names it.
    expect(
      Object.values(deployment().functions).map((f) => `000000000000:${f.logGroup}`),
    ).toContain(String(result.lines[0]!.fields.logGroup));
  });

  it("reads every work queue's oldest-message age from CloudWatch, never 'n/a'", async () => {
    const { status, body } = await admin<{
      queues: {
        name: string;
        kind: string;
        oldestAgeSeconds: number | null;
        oldestAgeError?: string;
      }[];
    }>("/queues");
    expect(status).toBe(200);
    const work = body.queues.filter((q) => q.kind === "work");
    expect(work.map((q) => q.name).sort()).toEqual(
      Object.entries(queues)
        .filter(([, spec]) => spec.kind === "work")
        .map(([name]) => name)
        .sort(),
    );
    for (const q of work) {
      expect(q.oldestAgeError, q.name).toBeUndefined();
      expect(typeof q.oldestAgeSeconds, q.name).toBe("number");
    }
  });
});
