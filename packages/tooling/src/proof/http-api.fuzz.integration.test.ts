import { createHash, randomUUID } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { orderPolicy } from "@orders/core/topology";
import type { AdminPorts } from "@orders/functions/admin/ports";
import { httpEvent } from "@orders/functions/lib/test-events";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anyJson,
  edgeNumber,
  edgeString,
  FUZZ_TEST_TIMEOUT_MS,
  fuzzParameters,
  mutateObject,
  notJson,
  STABLE_CODE,
} from "./fuzz";
import { inProcessPipeline } from "./in-process-pipeline";

// The public order API (ingress and order-status handlers, with API Gateway
// v2 events) and the admin API (its Hono app via app.request(), with and
// without the operator group), fuzzed against DynamoDB Local. A malformed or
// boundary request gets a 4xx JSON error with a stable `code`, never a 5xx,
// and never a write: every table's content is digested before and after.
// (The local gateway app had not landed when this was written: the handlers
// are called directly with the events API Gateway would send them.)

let ddb: DynamoDbLocal;
let ingress: typeof import("@orders/functions/ingress").handler;
let orderStatus: typeof import("@orders/functions/order-status").handler;
let existingOrders: string[] = [];

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  Object.assign(
    process.env,
    linkEnv(
      {
        OrdersTable: { name: ddb.tableNames.OrdersTable },
        InventoryTable: { name: ddb.tableNames.InventoryTable },
        OrderPolicy: orderPolicy,
        Auth: { operatorGroup: "ops" },
      },
      ddb.endpoint,
    ),
  );
  const pipeline = await inProcessPipeline(ddb.doc, ddb.tableNames);
  await pipeline.seed();
  // Orders of another customer to probe, and one waiting for approval to decide on.
  existingOrders = [
    await pipeline.place([{ sku: "SKU-KEYBOARD", quantity: 1 }]),
    await pipeline.place([{ sku: "SKU-WORKSTATION", quantity: 1 }]),
  ];
  await pipeline.runSaga(existingOrders[0]!);
  await pipeline.runSaga(existingOrders[1]!);
  ({ handler: ingress } = await import("@orders/functions/ingress"));
  ({ handler: orderStatus } = await import("@orders/functions/order-status"));
});
afterAll(() => ddb?.stop());

/** Every item of every table, hashed: any write shows. */
async function digest() {
  const hash = createHash("sha256");
  let items = 0;
  for (const table of Object.values(ddb.tableNames)) {
    const { Items = [] } = await ddb.doc.send(
      new ScanCommand({ TableName: table, ConsistentRead: true }),
    );
    items += Items.length;
    const rows = Items.map((i) => JSON.stringify(i)).sort();
    hash.update(`${table}:${rows.join("\n")}`);
  }
  return { items, hash: hash.digest("hex") };
}

function expectErrorBody(statusCode: number, body: string | undefined) {
  expect(statusCode).toBeGreaterThanOrEqual(400);
  expect(statusCode).toBeLessThan(500);
  const parsed = JSON.parse(body ?? "") as { code?: unknown; message?: unknown };
  expect(parsed.code).toEqual(expect.stringMatching(STABLE_CODE));
  expect(typeof parsed.message).toBe("string");
}

// ─── Public API ──────────────────────────────────────────────────────────────

const validOrder = {
  lines: [{ sku: "SKU-MOUSE", quantity: 1 }],
  payment: { card: "tok_approve" },
};

/** One known-bad change to a valid order: each must be refused. */
const badOrder = fc.oneof(
  edgeNumber
    .filter((q) => !(Number.isInteger(q) && q >= 1 && q <= orderPolicy.maxQuantityPerLine))
    .map((quantity) => ({ ...validOrder, lines: [{ sku: "SKU-MOUSE", quantity }] })),
  edgeString
    .filter((sku) => !/^SKU-[A-Z0-9-]{1,40}$/.test(sku))
    .map((sku) => ({ ...validOrder, lines: [{ sku, quantity: 1 }] })),
  fc.constant({ ...validOrder, lines: [{ sku: "SKU-DOES-NOT-EXIST", quantity: 1 }] }),
  fc.constant({ ...validOrder, lines: [] }),
  fc.constant({
    ...validOrder,
    lines: Array.from({ length: orderPolicy.maxLinesPerOrder + 1 }, (_, i) => ({
      sku: `SKU-X${i}`,
      quantity: 1,
    })),
  }),
  fc.constant({ ...validOrder, lines: [validOrder.lines[0], validOrder.lines[0]] }),
  fc.constant({ ...validOrder, currency: "EUR" }),
  fc.constant({ ...validOrder, note: "n".repeat(501) }),
  fc.constant({ ...validOrder, payment: { card: "4242424242424242" } }),
  fc.constant({
    ...validOrder,
    shippingAddress: { name: "A", line1: "1", city: "c", postalCode: "1", country: "usa" },
  }),
  fc.constant({ ...validOrder, note: "x".repeat(17 * 1024) }),
  mutateObject(validOrder).filter(
    (o) =>
      JSON.stringify(o) !== JSON.stringify(validOrder) &&
      !("currency" in o && o.currency === "USD") &&
      !("note" in o && typeof o.note === "string" && o.note.length <= 500),
  ),
);

const submission = fc.oneof(
  {
    weight: 4,
    arbitrary: badOrder.map((body) => ({
      body: JSON.stringify(body) as string | undefined,
      headers: {},
      sub: "fuzz",
      reject: true,
    })),
  },
  {
    weight: 2,
    arbitrary: notJson.map((body) => ({
      body: body as string | undefined,
      headers: {},
      sub: "fuzz",
      reject: true,
    })),
  },
  {
    weight: 2,
    arbitrary: anyJson.map((body) => ({
      body: JSON.stringify(body) as string | undefined,
      headers: {},
      sub: "fuzz",
      reject: true,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      body: undefined as string | undefined,
      headers: {},
      sub: "fuzz",
      reject: true,
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        edgeString
          .filter((k) => !/^[\x21-\x7e]{1,128}$/.test(k))
          .map((k) => ({ "idempotency-key": k })),
        edgeString
          .filter((c) => !/^[A-Za-z0-9._:-]{1,128}$/.test(c))
          .map((c) => ({ "x-correlation-id": c })),
      )
      // An invalid correlation id is ignored (a new one is minted), so only
      // the idempotency key makes a valid order a refusal.
      .map((headers) => ({
        body: JSON.stringify(validOrder) as string | undefined,
        headers,
        sub: "fuzz",
        reject: "idempotency-key" in headers,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      body: JSON.stringify(validOrder) as string | undefined,
      headers: {},
      sub: "",
      reject: true,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constant(null).map(() => ({
      body: JSON.stringify(validOrder) as string | undefined,
      headers: { "idempotency-key": randomUUID() },
      sub: "fuzz",
      reject: false,
    })),
  },
);

describe("public order API: malformed and boundary requests", () => {
  it(
    "POST /api/orders: never a 5xx; every refusal is a stable 4xx that writes nothing; a valid order writes one item",
    async () => {
      let before = await digest();
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(submission, async (request) => {
          const event = httpEvent({
            sub: request.sub || undefined,
            headers: request.headers,
            body: request.body,
          });
          if (request.body === undefined) delete (event as { body?: string }).body;
          const result = await ingress(event);
          expect(result.statusCode).toBeLessThan(500);
          const after = await digest();
          if (result.statusCode === 202) {
            expect(request.reject).toBe(false);
            expect(after.items - before.items).toBeLessThanOrEqual(1);
            before = after;
            return;
          }
          refused++;
          expectErrorBody(result.statusCode!, result.body);
          expect(after).toEqual(before);
        }),
        fuzzParameters(),
      );
      expect(refused).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    "GET /api/orders/{orderId}: any id, any caller — 200 only for the owner, never a 5xx, never a write",
    async () => {
      const before = await digest();
      const orderId = fc.oneof(
        fc.constantFrom(...existingOrders),
        fc.stringMatching(/^ord_[0-9a-f]{32}$/),
        edgeString,
      );
      const caller = fc.oneof(
        fc.constant(undefined),
        fc.constantFrom("fuzz", "proof-customer", "mallory"),
      );
      const groups = fc.option(fc.constantFrom<string[]>(["ops"], ["customers"], []), {
        nil: undefined,
      });
      await fc.assert(
        fc.asyncProperty(orderId, caller, groups, async (id, sub, grp) => {
          const result = await orderStatus(
            httpEvent({
              method: "GET",
              path: `/api/orders/${id}`,
              sub,
              ...(grp ? { groups: grp } : {}),
              pathParameters: { orderId: id },
            }),
          );
          expect(result.statusCode).toBeLessThan(500);
          if (result.statusCode === 200) {
            expect(existingOrders).toContain(id);
            expect(sub === "proof-customer" || grp?.includes("ops")).toBe(true);
          } else {
            expectErrorBody(result.statusCode!, result.body);
          }
        }),
        { ...fuzzParameters(), numRuns: Math.min(fuzzParameters().numRuns!, 1_000) },
      );
      expect(await digest()).toEqual(before);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});

// ─── Admin API ───────────────────────────────────────────────────────────────

const ARN = "arn:aws:states:us-east-1:000000000000:execution:FulfillmentSaga:exec-1";

/** The real DynamoDB adapters for orders and approvals; recording fakes for the rest. */
async function adminApp() {
  const { createAdminApp } = await import("@orders/functions/admin/app");
  const { dynamoApprovals, dynamoOrders } = await import(
    "@orders/functions/admin/adapters/dynamodb-orders"
  );
  const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });
  const calls: string[] = [];
  const fake =
    <T>(name: string, result: T) =>
    async () => {
      calls.push(name);
      return result;
    };
  const replay = {
    name: "r",
    state: "STARTING",
    from: "",
    to: "",
    startedAt: null,
    endedAt: null,
    reason: null,
  };
  const ports: AdminPorts = {
    queues: {
      depths: fake("queues.depths", []),
      peek: fake("queues.peek", []),
      redriveAll: fake("queues.redriveAll", {
        mode: "move-task",
        moved: 0,
        failed: [],
        orders: [],
      }),
      redriveSelected: fake("queues.redriveSelected", {
        mode: "move-by-copy",
        moved: 0,
        failed: [],
        orders: [],
      }),
    },
    executions: {
      stateMachine: () => ({
        name: "FulfillmentSaga",
        arn: ARN.replace(/:execution:([^:]+):.*$/, ":stateMachine:$1"),
      }),
      list: fake("executions.list", { items: [] }),
      describe: fake("executions.describe", {
        executionArn: ARN,
        name: "exec-1",
        status: "RUNNING",
        startDate: "2025-01-01T00:00:00.000Z",
        stopDate: null,
        input: {},
        output: null,
        error: null,
        cause: null,
        states: [],
      }),
      stop: fake("executions.stop", { stoppedAt: "2025-01-01T00:00:00.000Z" }),
    },
    events: {
      listReplays: fake("events.listReplays", []),
      startReplay: fake("events.startReplay", replay),
    },
    orders: dynamoOrders(db),
    logs: { byCorrelationId: fake("logs.byCorrelationId", []) },
    approvals: dynamoApprovals({ db }),
  };
  const app = createAdminApp(ports, {
    operatorGroup: () => "ops",
    security: { refused: () => {}, action: () => {} },
    logError: () => {},
  });
  return { app, calls };
}

const mutatingCalls = (calls: string[]) => calls.filter((c) => /redrive|stop|startReplay/.test(c));

const adminRequest = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
  path: fc.oneof(
    fc.constantFrom(
      "/api/admin/queues",
      "/api/admin/executions",
      "/api/admin/executions/counts",
      "/api/admin/events/replays",
      "/api/admin/orders",
      "/api/admin/approvals",
      "/api/admin/openapi.json",
    ),
    fc
      .tuple(
        fc.constantFrom(
          "queues/{x}/messages",
          "queues/{x}/redrive",
          "executions/{x}",
          "executions/{x}/stop",
          "orders/{x}",
          "orders/{x}/logs",
          "approvals/{x}/decision",
        ),
        fc.oneof(
          fc.constantFrom(
            "PaymentQueueDlq",
            "SagaRuleDlq",
            "PaymentQueue",
            encodeURIComponent(ARN),
            "ord_0123456789abcdef0123456789abcdef",
          ),
          fc.constant(null).map(() => existingOrders[1]!),
          edgeString.map(encodeURIComponent),
        ),
      )
      .map(([template, x]) => `/api/admin/${template.replace("{x}", x)}`),
    edgeString.map((s) => `/api/admin/${encodeURIComponent(s)}`),
  ),
  query: fc.dictionary(
    fc.constantFrom(
      "status",
      "customerId",
      "correlationId",
      "from",
      "to",
      "nextToken",
      "limit",
      "max",
    ),
    fc.oneof(
      edgeString,
      edgeNumber.map(String),
      fc.constantFrom("ACCEPTED", "2025-01-01T00:00:00Z", "eyJ4IjoxfQ", "bm90IGpzb24"),
    ),
    { maxKeys: 3 },
  ),
  body: fc.oneof(
    fc.constant(undefined),
    notJson,
    anyJson.map((v) => JSON.stringify(v)),
    mutateObject({ decision: "APPROVE", comment: "ok" }).map((v) => JSON.stringify(v)),
    mutateObject({ messageIds: ["m1"] }).map((v) => JSON.stringify(v)),
    mutateObject({
      from: "2025-01-01T00:00:00Z",
      to: "2025-01-01T01:00:00Z",
      detailTypes: ["OrderPlaced.v1"],
    }).map((v) => JSON.stringify(v)),
    mutateObject({ cause: "stuck" }).map((v) => JSON.stringify(v)),
  ),
  groups: fc.oneof(
    fc.constant(undefined),
    fc.constantFrom("[customers]", "[ops-readonly]", "", "ops", "[support ops]"),
  ),
  hasClaims: fc.boolean(),
});

describe("admin API: malformed and boundary requests, with and without the operator group", () => {
  // Found by this fuzz suite (another seed): the orders list decoded
  // `nextToken` without a guard, so a token that was not base64url JSON was a
  // 500 INTERNAL. Kept as a fixed example.
  it("GET /orders with a malformed nextToken is a 400 INVALID_NEXT_TOKEN", async () => {
    const { app } = await adminApp();
    const res = await app.request(
      "/api/admin/orders?status=ACCEPTED&nextToken=bm90IGpzb24",
      {},
      {
        event: {
          requestContext: {
            authorizer: { jwt: { claims: { sub: "fuzzer", "cognito:groups": "ops" } } },
          },
        },
      },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "INVALID_NEXT_TOKEN" });
  });

  it(
    "never a 5xx; non-operators reach no port; a refusal writes nothing and calls nothing that changes anything",
    async () => {
      const { app, calls } = await adminApp();
      let before = await digest();
      const seen = { operator: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(adminRequest, async (r) => {
          calls.length = 0;
          const query = new URLSearchParams(r.query).toString();
          const operator =
            r.hasClaims && r.groups !== undefined && /(^|[\s[,])ops([\s\],]|$)/.test(r.groups);
          const res = await app.request(
            `${r.path}${query ? `?${query}` : ""}`,
            {
              method: r.method,
              ...(r.body !== undefined && r.method !== "GET"
                ? { body: r.body, headers: { "content-type": "application/json" } }
                : {}),
            },
            {
              event: {
                requestContext: r.hasClaims
                  ? {
                      authorizer: {
                        jwt: {
                          claims: {
                            sub: "fuzzer",
                            ...(r.groups === undefined ? {} : { "cognito:groups": r.groups }),
                          },
                        },
                      },
                    }
                  : {},
              },
            },
          );
          expect(res.status).toBeLessThan(500);
          const text = await res.text();
          const after = await digest();
          if (!operator) {
            expect([401, 403]).toContain(res.status);
            expect(calls).toEqual([]);
          } else {
            seen.operator++;
          }
          if (res.status >= 400) {
            seen.refused++;
            expectErrorBody(res.status, text);
            expect(mutatingCalls(calls)).toEqual([]);
            expect(after).toEqual(before);
          }
          before = after;
        }),
        fuzzParameters(),
      );
      expect(seen.operator).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
