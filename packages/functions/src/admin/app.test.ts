import { ApprovalConflict } from "@orders/core/approval";
import { describe, expect, it, vi } from "vitest";
import { app as lambdaApp } from "../admin-api";
import { createAdminApp } from "./app";
import { parseGroups } from "./auth";
import type { AdminPorts } from "./ports";
import type { ApprovalView, ExecutionDetail } from "./schemas";
import type { SecurityLog } from "./types";

// The admin API over `app.request()` with ports that record every call, so a
// refused or invalid request can be seen to reach nothing.

const ORDER = "ord_0123456789abcdef0123456789abcdef";
const ARN = "arn:aws:states:us-east-1:000000000000:execution:FulfillmentSaga:exec-1";
const SAGA = "arn:aws:states:us-east-1:000000000000:stateMachine:orders-test-FulfillmentSaga";

function fakes() {
  const calls: string[] = [];
  const record =
    <T>(name: string, result: T) =>
    async (..._args: unknown[]) => {
      calls.push(name);
      return result;
    };
  const approval: ApprovalView = {
    orderId: ORDER,
    customerId: "c1",
    correlationId: "corr-1",
    orderStatus: "APPROVED",
    status: "APPROVED",
    reason: "big",
    amountCents: 250_000,
    currency: "USD",
    requestedAt: "2025-01-01T00:00:00.000Z",
    deadline: "2025-01-02T00:00:00.000Z",
    decidedBy: "alice",
    decidedAt: "2025-01-01T01:00:00.000Z",
    comment: null,
  };
  const execution: ExecutionDetail = {
    executionArn: ARN,
    name: "exec-1",
    status: "RUNNING",
    startDate: "2025-01-01T00:00:00.000Z",
    stopDate: null,
    input: { orderId: ORDER, correlationId: "corr-1" },
    output: null,
    error: null,
    cause: null,
    states: [],
  };
  const ports: AdminPorts = {
    queues: {
      depths: record("queues.depths", []),
      peek: record("queues.peek", []),
      redriveAll: record("queues.redriveAll", {
        mode: "move-task",
        moved: 3,
        failed: [],
        orders: [],
      }),
      redriveSelected: record("queues.redriveSelected", {
        mode: "move-by-copy",
        moved: 1,
        failed: [],
        orders: [{ orderId: ORDER, correlationId: "corr-1" }],
      }),
    },
    executions: {
      stateMachine: () => ({ name: "orders-test-FulfillmentSaga", arn: SAGA }),
      list: record("executions.list", { items: [] }),
      describe: record("executions.describe", execution),
      stop: record("executions.stop", { stoppedAt: "2025-01-01T00:00:00.000Z" }),
    },
    events: {
      listReplays: record("events.listReplays", []),
      startReplay: record("events.startReplay", {
        name: "r",
        state: "STARTING",
        from: "",
        to: "",
        startedAt: null,
        endedAt: null,
        reason: null,
      }),
    },
    orders: {
      list: record("orders.list", { items: [] }),
      detail: record("orders.detail", undefined),
      journal: vi.fn(async () => {
        calls.push("orders.journal");
      }),
    },
    logs: { byCorrelationId: record("logs.byCorrelationId", []) },
    approvals: {
      pending: record("approvals.pending", []),
      history: record("approvals.history", []),
      decide: record("approvals.decide", approval),
    },
  };
  const security = { refused: vi.fn(), action: vi.fn() } satisfies SecurityLog;
  const app = createAdminApp(ports, { operatorGroup: () => "ops", security, logError: () => {} });
  return { app, calls, ports, security };
}

const asUser = (groups?: string, sub = "user-1") => ({
  event: {
    requestContext: {
      authorizer: {
        jwt: {
          claims: {
            sub,
            username: sub,
            ...(groups === undefined ? {} : { "cognito:groups": groups }),
          },
        },
      },
    },
  },
});
const noClaims = { event: { requestContext: {} } };
const post = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

// The auth matrix is every route the app registers (its validators register
// the same method and path again; `ALL` is middleware), so a new route is
// refused-tested the moment it exists. Bodies stay empty: the operator check
// runs before any validator, and a refused request must not reach one.
const samplePathParams: Record<string, string> = {
  name: "PaymentQueueDlq",
  executionArn: encodeURIComponent(ARN),
  orderId: ORDER,
};
const fillPath = (path: string) =>
  path.replace(/:(\w+)/g, (_, param: string) => {
    const value = samplePathParams[param];
    if (value === undefined) throw new Error(`no sample value for :${param} in ${path}`);
    return value;
  });
const registered = [
  ...new Set(
    fakes()
      .app.routes.filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path}`),
  ),
];
/** [route as registered, the path to request, the request]. */
const routes = registered.map((key): [string, string, RequestInit | undefined] => {
  const [method, path] = key.split(" ") as [string, string];
  return [key, fillPath(path), method === "GET" ? undefined : { ...post({}), method }];
});

describe("caching", () => {
  it("every response says no-store, refused, failed or not", async () => {
    const { app } = fakes();
    const responses = [
      await app.request("/api/admin/queues", undefined, noClaims),
      await app.request("/api/admin/queues", undefined, asUser("[customers]")),
      await app.request("/api/admin/queues", undefined, asUser("[ops]")),
      await app.request("/api/admin/nowhere", undefined, asUser("[ops]")),
    ];
    expect(responses.map((r) => r.status)).toEqual([401, 403, 200, 404]);
    for (const res of responses) expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("operator group", () => {
  it("the matrix has every registered route, the read-only and OpenAPI ones too", () => {
    expect(registered).toEqual(
      expect.arrayContaining([
        "GET /api/admin/queues",
        "POST /api/admin/approvals/:orderId/decision",
        "GET /api/admin/orders/:orderId/logs",
        "GET /api/admin/openapi.json",
      ]),
    );
  });

  it.each(routes)(
    "%s: 401 without verified claims, logged, nothing called",
    async (_route, path, init) => {
      const { app, calls, security } = fakes();
      const res = await app.request(path, init, noClaims);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: "UNAUTHORIZED", message: expect.any(String) });
      expect(calls).toEqual([]);
      expect(security.refused).toHaveBeenCalledWith(
        expect.objectContaining({ reason: "NO_CLAIMS" }),
      );
    },
  );

  it.each(routes)(
    "%s: 403 for a customer, logged as a security event, nothing called",
    async (_route, path, init) => {
      const { app, calls, security } = fakes();
      const res = await app.request(path, init, asUser("[customers beta]", "mallory"));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: "FORBIDDEN" });
      expect(calls).toEqual([]);
      expect(security.refused).toHaveBeenCalledWith(
        expect.objectContaining({
          reason: "NOT_OPERATOR",
          sub: "mallory",
          groups: ["customers", "beta"],
        }),
      );
    },
  );

  it("403 when the token has no groups claim at all", async () => {
    const { app } = fakes();
    expect((await app.request("/api/admin/queues", undefined, asUser(undefined))).status).toBe(403);
  });

  it("a group named like the operator group is not the operator group", async () => {
    const { app } = fakes();
    expect(
      (await app.request("/api/admin/queues", undefined, asUser("[ops-readonly opsx]"))).status,
    ).toBe(403);
  });

  it.each(["ops", "[ops]", "[support ops]", '["ops","support"]'])(
    "accepts groups rendered as %s",
    async (groups) => {
      const { app, calls } = fakes();
      const res = await app.request("/api/admin/queues", undefined, asUser(groups));
      expect(res.status).toBe(200);
      expect(calls).toEqual(["queues.depths"]);
    },
  );

  it("the deployed handler's app refuses too (wiring, not just the factory)", async () => {
    const res = await lambdaApp.request("/api/admin/queues", undefined, asUser("[customers]"));
    expect(res.status).toBe(403);
  });

  it("parses the claim shapes API Gateway and the local gateway produce", () => {
    expect(parseGroups("[ops other]")).toEqual(["ops", "other"]);
    expect(parseGroups("ops")).toEqual(["ops"]);
    expect(parseGroups(["ops", "x"])).toEqual(["ops", "x"]);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups("")).toEqual([]);
  });
});

describe("bad input: 4xx JSON with a stable code, nothing written", () => {
  const cases: [string, string, RequestInit | undefined, number, string][] = [
    [
      "decision that is neither approve nor reject",
      `/api/admin/approvals/${ORDER}/decision`,
      post({ decision: "MAYBE" }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "rejection without a reason",
      `/api/admin/approvals/${ORDER}/decision`,
      post({ decision: "REJECT", comment: "" }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "unknown field in a decision",
      `/api/admin/approvals/${ORDER}/decision`,
      post({ decision: "APPROVE", force: true }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "malformed order id",
      "/api/admin/approvals/not-an-order/decision",
      post({ decision: "APPROVE" }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "body that is not JSON",
      `/api/admin/approvals/${ORDER}/decision`,
      { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" },
      400,
      "BAD_REQUEST",
    ],
    [
      "orders without a partition to read",
      "/api/admin/orders",
      undefined,
      400,
      "VALIDATION_FAILED",
    ],
    [
      "orders with two partitions",
      "/api/admin/orders?status=ACCEPTED&customerId=c1",
      undefined,
      400,
      "VALIDATION_FAILED",
    ],
    [
      "redrive of a work queue",
      "/api/admin/queues/PaymentQueue/redrive",
      post({}),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "redrive with an empty selection",
      "/api/admin/queues/PaymentQueueDlq/redrive",
      post({ messageIds: [] }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "redrive of stream failures",
      "/api/admin/queues/StreamFailures/redrive",
      post({}),
      409,
      "REDRIVE_NOT_SUPPORTED",
    ],
    [
      "redrive of Step Functions status changes (AWS events cannot go on our bus)",
      "/api/admin/queues/SagaCompensationDlq/redrive",
      post({}),
      409,
      "REDRIVE_NOT_SUPPORTED",
    ],
    [
      "replay window backwards",
      "/api/admin/events/replays",
      post({
        from: "2025-01-02T00:00:00Z",
        to: "2025-01-01T00:00:00Z",
        detailTypes: ["OrderPlaced.v1"],
      }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "replay without detail-types",
      "/api/admin/events/replays",
      post({ from: "2025-01-01T00:00:00Z", to: "2025-01-01T01:00:00Z", detailTypes: [] }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "stop with a non-ARN",
      "/api/admin/executions/nope/stop",
      post({ cause: "stuck" }),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "stop without a cause",
      `/api/admin/executions/${encodeURIComponent(ARN)}/stop`,
      post({}),
      400,
      "VALIDATION_FAILED",
    ],
    [
      "unknown execution status",
      "/api/admin/executions?status=EXPLODED",
      undefined,
      400,
      "VALIDATION_FAILED",
    ],
    ["unknown route", "/api/admin/nothing-here", undefined, 404, "NOT_FOUND"],
  ];
  it.each(cases)("%s", async (_what, path, init, status, code) => {
    const { app, calls } = fakes();
    const res = await app.request(path, init, asUser("[ops]"));
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe(code);
    expect(body.message).toEqual(expect.any(String));
    expect(calls).toEqual([]);
  });
});

describe("operator actions", () => {
  it("maps the decision function's conflict to 409 with its code", async () => {
    const { app, ports } = fakes();
    ports.approvals.decide = async () => {
      throw new ApprovalConflict("ALREADY_DECIDED", "The approval is already APPROVED");
    };
    const res = await app.request(
      `/api/admin/approvals/${ORDER}/decision`,
      post({ decision: "REJECT", comment: "too late" }),
      asUser("ops"),
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      code: "ALREADY_DECIDED",
      message: "The approval is already APPROVED",
    });
  });

  it("decides as the signed-in operator", async () => {
    const { app, ports, security } = fakes();
    const decide = vi.spyOn(ports.approvals, "decide");
    const res = await app.request(
      `/api/admin/approvals/${ORDER}/decision`,
      post({ decision: "APPROVE", comment: "ok" }),
      asUser("ops", "alice"),
    );
    expect(res.status).toBe(200);
    expect(decide).toHaveBeenCalledWith({
      orderId: ORDER,
      decision: "APPROVE",
      comment: "ok",
      operator: "alice",
    });
    expect(security.action).toHaveBeenCalledWith(
      expect.objectContaining({ operator: "alice", action: "approval-approve" }),
    );
  });

  it("stopping an execution is recorded on its order's timeline", async () => {
    const { app, ports } = fakes();
    const res = await app.request(
      `/api/admin/executions/${encodeURIComponent(ARN)}/stop`,
      post({ cause: "customer called" }),
      asUser("ops", "bob"),
    );
    expect(res.status).toBe(200);
    expect(ports.orders.journal).toHaveBeenCalledWith(
      ORDER,
      expect.objectContaining({
        kind: "OPERATOR_ACTION",
        actor: "operator:bob",
        correlationId: "corr-1",
      }),
    );
  });

  it("a consumer's dead letter shows the error its consumer noted on the order's timeline", async () => {
    const { app, ports } = fakes();
    const letter = (messageId: string, orderId: string | null) => ({
      messageId,
      sentAt: null,
      receiveCount: 1,
      body: "{}",
      orderId,
      correlationId: null,
      detailType: "OrderPlaced.v1",
      error: { code: null, message: null, rule: null, target: null, retryAttempts: null },
      attributes: {},
    });
    ports.queues.peek = async () => [letter("m1", ORDER), letter("m2", ORDER), letter("m3", null)];
    const detail = vi.fn(async () => ({
      timeline: [
        {
          at: "2025-01-01T00:00:00.000Z",
          kind: "DLQ_ARRIVAL",
          message: "Message m1 failed its last attempt",
          correlationId: "corr-1",
          actor: "payment-worker",
          data: { messageId: "m1", error: "CircuitOpenError", reason: "the circuit is open" },
        },
      ],
    }));
    ports.orders.detail = detail as unknown as typeof ports.orders.detail;
    const res = await app.request(
      "/api/admin/queues/PaymentQueueDlq/messages",
      undefined,
      asUser("ops"),
    );
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as {
      messages: { messageId: string; error: { code: string | null; message: string | null } }[];
    };
    expect(messages.map((m) => [m.messageId, m.error.code, m.error.message])).toEqual([
      ["m1", "CircuitOpenError", "the circuit is open"],
      ["m2", null, null],
      ["m3", null, null],
    ]);
    // one read of the order for its two letters
    expect(detail).toHaveBeenCalledTimes(1);
  });

  it("a selected redrive is recorded on each redriven order's timeline", async () => {
    const { app, ports } = fakes();
    const res = await app.request(
      "/api/admin/queues/PaymentQueueDlq/redrive",
      post({ messageIds: ["m1"] }),
      asUser("ops", "carol"),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ mode: "move-by-copy", moved: 1 });
    expect(ports.orders.journal).toHaveBeenCalledWith(
      ORDER,
      expect.objectContaining({
        kind: "REDRIVE",
        actor: "operator:carol",
        data: { queue: "PaymentQueueDlq", mode: "move-by-copy" },
      }),
    );
  });

  it("lists executions with the saga's state machine as deployed, for the console to name", async () => {
    const { app } = fakes();
    const res = await app.request("/api/admin/executions", undefined, asUser("ops"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [],
      stateMachine: { name: "orders-test-FulfillmentSaga", arn: SAGA },
    });
  });

  it("a missing order is a 404 with a code", async () => {
    const { app } = fakes();
    const res = await app.request(`/api/admin/orders/${ORDER}`, undefined, asUser("ops"));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("an unexpected failure is a 500 JSON without internals", async () => {
    const { app, ports } = fakes();
    ports.queues.depths = async () => {
      throw new Error("socket hang up at 10.0.0.7");
    };
    const res = await app.request("/api/admin/queues", undefined, asUser("ops"));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe("INTERNAL");
    expect(body.message).not.toContain("10.0.0.7");
  });
});

describe("OpenAPI document", () => {
  it("describes every route from the same schemas", async () => {
    const { app } = fakes();
    const res = await app.request("/api/admin/openapi.json", undefined, asUser("ops"));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/admin/queues",
        "/api/admin/queues/{name}/redrive",
        "/api/admin/executions/{executionArn}",
        "/api/admin/events/replays",
        "/api/admin/orders/{orderId}",
        "/api/admin/approvals/{orderId}/decision",
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["DecisionRequest", "Error", "QueueDepth"]),
    );
  });
});
