import type { Page, Route } from "@playwright/test";
import { CatalogEntry } from "../../packages/core/src/inventory/schema";
import { JournalEntry } from "../../packages/core/src/journal/schema";
import type { OrderView } from "../../packages/core/src/order/view";
import {
  ApprovalView,
  DeadLetter,
  ExecutionCounts,
  ExecutionDetail,
  ExecutionSummary,
  LogLine,
  OrderDetail,
  OrderSummary,
  QueueDepth,
  ReplaySummary,
  type StateRun,
} from "../../packages/functions/src/admin/schemas";

// Canned answers for the console's API, so every page can be looked at (and
// axe-checked) without the local cloud. The real suite in tests/ runs against
// the real thing. Each fixture is typed by, and parsed at load with, the
// schema the API validates its answer with (the admin API's schemas, core's
// catalog entry), so a fixture that drifts from the API fails here — at
// type-check and when the suite loads — instead of showing a page the real
// API can no longer produce. (Imported by path: e2e depends on no workspace
// package.)

interface Schema<T> {
  parse(value: unknown): T;
}
/** The value as the schema parses it; throws, naming the field, when it no longer fits. */
const valid = <T>(schema: Schema<T>, value: NoInfer<T>): T => schema.parse(value);
const validEach = <T>(schema: Schema<T>, values: NoInfer<T>[]): T[] =>
  values.map((v) => valid(schema, v));

const now = Date.now();
const iso = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString();
const ORDER = "ord_4f1c2a9be07d44c1a5b3e2f9d8c7b6a5";
const FLAGGED = "ord_9a8b7c6d5e4f40312a1b2c3d4e5f6a7b";
const ARN =
  "arn:aws:states:us-east-1:000000000000:execution:orders-local-FulfillmentSaga:ord_4f1c2a9be07d44c1a5b3e2f9d8c7b6a5-1";

// The queues' physical names as SST names them (the local cloud's, from the synthesized graph).
const physicalName: Record<string, string> = {
  PaymentQueue: "orders-local-PaymentQueueQueue-xxuuzhxd",
  ApprovalsQueue: "orders-local-ApprovalsQueueQueue-vbuzoxcr",
  EmailQueue: "orders-local-EmailQueueQueue-wxdztnzs",
  SmsQueue: "orders-local-SmsQueueQueue-fahuzwff",
  PaymentQueueDlq: "orders-local-PaymentQueueDlqQueue-uhccrsnv",
  ApprovalsQueueDlq: "orders-local-ApprovalsQueueDlqQueue-rcrexxsc",
  EmailQueueDlq: "orders-local-EmailQueueDlqQueue-rdzbnmod",
  SmsQueueDlq: "orders-local-SmsQueueDlqQueue-mozmcrwn",
  PaymentRuleDlq: "orders-local-PaymentRuleDlqQueue-swahfswz",
  NotificationsRuleDlq: "orders-local-NotificationsRuleDlqQueue-baexednd",
  SagaRuleDlq: "orders-local-SagaRuleDlqQueue-mzwmsrsc",
  StreamFailures: "orders-local-StreamFailuresQueue-bdsbtstz",
};
const STATE_MACHINE = {
  name: "orders-local-FulfillmentSaga",
  arn: "arn:aws:states:us-east-1:000000000000:stateMachine:orders-local-FulfillmentSaga",
};

const queues = (
  [
    ["PaymentQueue", 3, 2, "PaymentQueueDlq", "PaymentWorker"],
    ["ApprovalsQueue", 0, 0, "ApprovalsQueueDlq", "ApprovalsWorker"],
    ["EmailQueue", 12, 4, "EmailQueueDlq", "Notifier"],
    ["SmsQueue", 1, 0, "SmsQueueDlq", "Notifier"],
  ] as const
).map(
  ([name, visible, inFlight, dlq, consumer]): QueueDepth => ({
    name,
    physicalName: physicalName[name]!,
    kind: "work",
    visible,
    inFlight,
    delayed: 0,
    oldestAgeSeconds: null,
    dlq,
    consumer,
    maxReceiveCount: 5,
  }),
);
const dlqs = (
  [
    ["PaymentQueueDlq", "consumer-failures", 2, "PaymentQueue", "move-to-source"],
    ["ApprovalsQueueDlq", "consumer-failures", 0, "ApprovalsQueue", "move-to-source"],
    ["EmailQueueDlq", "consumer-failures", 0, "EmailQueue", "move-to-source"],
    ["SmsQueueDlq", "consumer-failures", 0, "SmsQueue", "move-to-source"],
    ["PaymentRuleDlq", "rule-delivery-failures", 0, undefined, "put-events"],
    ["NotificationsRuleDlq", "rule-delivery-failures", 0, undefined, "put-events"],
    ["SagaRuleDlq", "rule-delivery-failures", 1, undefined, "put-events"],
    ["StreamFailures", "stream-failures", 0, undefined, "none"],
  ] as const
).map(
  ([name, catches, visible, source, redrive]): QueueDepth => ({
    name,
    physicalName: physicalName[name]!,
    kind: "dlq",
    catches,
    visible,
    inFlight: 0,
    delayed: 0,
    oldestAgeSeconds: visible ? 1260 : 0,
    ...(source ? { source } : {}),
    redrive,
  }),
);

const event = (orderId: string) =>
  JSON.stringify({
    version: "0",
    id: "6f0c1d2e",
    "detail-type": "OrderPlaced.v1",
    source: "orders.api",
    time: iso(-1300),
    detail: { orderId, correlationId: "corr-7d41", customerId: "customer-1", totalCents: 17800 },
  });

// The journal as core stores it (its kinds are core's), as the admin API shows it.
const journal = validEach(
  JournalEntry,
  (
    [
      ["ACCEPTED", "Order accepted", "ingress", -300],
      ["ROUTED", "OrderPlaced.v1 published from the stream", "stream-publisher", -299],
      ["SAGA_STARTED", "Saga execution claimed the order", "saga:claim-order", -298],
      ["PAYMENT_AUTHORISED", "Authorised 178.00 USD (auth_5x2)", "payment-worker", -297],
      ["INVENTORY_RESERVED", "Reserved 2 lines (res_4f1c)", "saga:reserve-inventory", -296],
      ["PAYMENT_CAPTURED", "Captured 178.00 USD", "saga:capture-payment", -294],
      ["FULFILLED", "Order fulfilled", "saga:complete-order", -293],
      ["NOTIFICATION_SENT", "email FULFILLED sent", "notifier", -292],
    ] as const
  ).map(([kind, message, actor, at]) => ({
    at: iso(at),
    kind,
    message,
    actor,
    correlationId: "corr-7d41",
  })),
);

const states = (
  [
    ["ClaimOrder", "Task", -298, 40, 1],
    ["IsFirstSaga", "Choice", -298, 1, 0],
    ["ReserveInventory", "Task", -297, 620, 2],
    ["NeedsApproval", "Choice", -296, 1, 0],
    ["CapturePayment", "Task", -296, 1900, 3],
    ["CompleteOrder", "Task", -294, 80, 1],
    ["Fulfilled", "Succeed", -293, 0, 0],
  ] as const
).map(
  ([name, type, at, ms, attempts]): StateRun => ({
    name,
    type,
    enteredAt: iso(at),
    exitedAt: iso(at + ms / 1000),
    durationMs: ms,
    input: { orderId: ORDER, correlationId: "corr-7d41" },
    output: { orderId: ORDER },
    attempts,
    errors:
      name === "ReserveInventory"
        ? [{ at: iso(-297), error: "TransientError", cause: "ProvisionedThroughputExceeded" }]
        : name === "CapturePayment"
          ? [
              { at: iso(-296), error: "PaymentPending", cause: "authorisation not recorded yet" },
              { at: iso(-295), error: "PaymentPending", cause: "authorisation not recorded yet" },
            ]
          : [],
    outcome: "succeeded",
  }),
);

/** The fulfilled order as the orders list shows it; its detail adds lines and the rest. */
const orderSummary: OrderSummary = {
  orderId: ORDER,
  customerId: "customer-1",
  correlationId: "corr-7d41",
  status: "FULFILLED",
  totalCents: 17800,
  currency: "USD",
  flagged: false,
  createdAt: iso(-300),
  statusChangedAt: iso(-293),
};

export const fixtures = {
  queues: { queues: validEach(QueueDepth, [...queues, ...dlqs]) },
  dlqMessages: {
    messages: validEach(DeadLetter, [
      {
        messageId: "0d6b1a3c-1c1e-4a8e-9f0a-2b4c6d8e0f12",
        sentAt: iso(-1260),
        receiveCount: 6,
        body: event(ORDER),
        orderId: ORDER,
        correlationId: "corr-7d41",
        detailType: "OrderPlaced.v1",
        error: { code: null, message: null, rule: null, target: null, retryAttempts: null },
        attributes: {},
      },
      {
        messageId: "7a2e9b44-5d3f-4e61-8a0b-9c8d7e6f5a4b",
        sentAt: iso(-900),
        receiveCount: 1,
        body: event(FLAGGED),
        orderId: FLAGGED,
        correlationId: "corr-91aa",
        detailType: "OrderPlaced.v1",
        error: {
          code: "SDK_CLIENT_ERROR",
          message: "Unable to invoke the target: sandbox payment provider unavailable",
          rule: "arn:aws:events:us-east-1:000000000000:rule/orders-local-Bus/OrderPlacedToPayment",
          target: "arn:aws:sqs:us-east-1:000000000000:PaymentQueue",
          retryAttempts: 185,
        },
        attributes: { ERROR_CODE: "SDK_CLIENT_ERROR" },
      },
    ]),
  },
  counts: valid(ExecutionCounts, {
    counts: { RUNNING: 7, SUCCEEDED: 100, FAILED: 1, TIMED_OUT: 0, ABORTED: 2 },
    cap: 100,
    recentFailures: [
      {
        executionArn: `${ARN}-f`,
        name: "ord_77e1…-1",
        status: "FAILED",
        startDate: iso(-4000),
        stopDate: iso(-3900),
      },
    ],
  }),
  executions: {
    items: validEach(ExecutionSummary, [
      {
        executionArn: ARN,
        name: `${ORDER}-1`,
        status: "SUCCEEDED",
        startDate: iso(-298),
        stopDate: iso(-293),
      },
      {
        executionArn: `${ARN}-2`,
        name: `${FLAGGED}-1`,
        status: "RUNNING",
        startDate: iso(-1200),
        stopDate: null,
      },
      {
        executionArn: `${ARN}-3`,
        name: "ord_77e1c0ffee0000000000000000000000-1",
        status: "FAILED",
        startDate: iso(-4000),
        stopDate: iso(-3900),
      },
    ]),
    stateMachine: STATE_MACHINE,
  },
  execution: valid(ExecutionDetail, {
    executionArn: ARN,
    name: `${ORDER}-1`,
    status: "SUCCEEDED",
    startDate: iso(-298),
    stopDate: iso(-293),
    input: { orderId: ORDER, correlationId: "corr-7d41" },
    output: { orderId: ORDER },
    error: null,
    cause: null,
    states,
  }),
  approvals: {
    items: validEach(ApprovalView, [
      {
        orderId: FLAGGED,
        customerId: "customer-2",
        correlationId: "corr-91aa",
        orderStatus: "AWAITING_APPROVAL",
        status: "PENDING",
        reason: "Total 2,499.00 USD exceeds the approval threshold of 1,000.00 USD",
        amountCents: 249_900,
        currency: "USD",
        requestedAt: iso(-1200),
        deadline: iso(86_400 - 1200),
        decidedBy: null,
        decidedAt: null,
        comment: null,
      },
      {
        orderId: "ord_1b2c3d4e5f60718293a4b5c6d7e8f901",
        customerId: "customer-3",
        correlationId: "corr-55ee",
        orderStatus: "AWAITING_APPROVAL",
        status: "PENDING",
        reason: "Contains SKUs that always need review: SKU-GIFT-CARD",
        amountCents: 5_000,
        currency: "USD",
        requestedAt: iso(-84_000),
        deadline: iso(2_400),
        decidedBy: null,
        decidedAt: null,
        comment: null,
      },
    ]),
  },
  decided: {
    items: validEach(ApprovalView, [
      {
        orderId: ORDER,
        customerId: "customer-1",
        correlationId: "corr-7d41",
        orderStatus: "FULFILLED",
        status: "APPROVED",
        reason: "big",
        amountCents: 178_000,
        currency: "USD",
        requestedAt: iso(-7200),
        deadline: iso(80_000),
        decidedBy: "ops@example.test",
        decidedAt: iso(-7000),
        comment: "Known customer",
      },
    ]),
  },
  orders: {
    // as the byStatus index returns them: newest in the status first
    items: validEach(OrderSummary, [
      {
        orderId: FLAGGED,
        customerId: "customer-2",
        correlationId: "corr-91aa",
        status: "FULFILLED",
        totalCents: 249900,
        currency: "USD",
        flagged: true,
        createdAt: iso(-1300),
        statusChangedAt: iso(-100),
      },
      orderSummary,
    ]),
  },
  order: valid(OrderDetail, {
    order: {
      ...orderSummary,
      lines: [
        {
          sku: "SKU-KEYBOARD",
          name: "Mechanical keyboard",
          quantity: 1,
          unitPriceCents: 12900,
          lineTotalCents: 12900,
        },
        {
          sku: "SKU-MOUSE",
          name: "Wireless mouse",
          quantity: 1,
          unitPriceCents: 4900,
          lineTotalCents: 4900,
        },
      ],
      reviewReason: null,
      executionArn: ARN,
      reservation: { reservationId: "res_4f1c", state: "SHIPPED", lines: [], at: iso(-296) },
      approval: null,
      cancellation: null,
      // as core's notificationKey writes them: <orderId>:<status>#<channel>
      notifications: [
        `${ORDER}:ACCEPTED#email`,
        `${ORDER}:FULFILLED#email`,
        `${ORDER}:FULFILLED#sms`,
      ],
    },
    payment: {
      status: "CAPTURED",
      authorizationId: "auth_5x2",
      amountCents: 17800,
      currency: "USD",
    },
    timeline: journal,
    ledger: journal.filter((e) => e.kind.startsWith("PAYMENT")),
  }),
  logs: {
    correlationId: "corr-7d41",
    lines: validEach(LogLine, [
      {
        at: iso(-300),
        level: "INFO",
        message: "order accepted",
        service: "ingress",
        requestId: "r1",
        fields: { correlation_id: "corr-7d41" },
      },
      {
        at: iso(-297),
        level: "WARN",
        message: "reserve retry: throughput exceeded",
        service: "reserve-inventory",
        requestId: "r2",
        fields: {},
      },
      {
        at: iso(-294),
        level: "INFO",
        message: "payment captured",
        service: "capture-payment",
        requestId: "r3",
        fields: {},
      },
    ]),
  },
  replays: {
    replays: validEach(ReplaySummary, [
      {
        name: "ops-alice-1764180000000",
        state: "COMPLETED",
        from: iso(-7200),
        to: iso(-3600),
        startedAt: iso(-3000),
        endedAt: iso(-2990),
        reason: null,
      },
    ]),
  },
  catalog: {
    items: validEach(
      CatalogEntry,
      (
        [
          ["SKU-KEYBOARD", "Mechanical keyboard", 12900, 500],
          ["SKU-MOUSE", "Wireless mouse", 4900, 800],
          ["SKU-MONITOR", '27" 4K monitor', 39900, 200],
          ["SKU-HEADSET", "Noise-cancelling headset", 19900, 300],
          ["SKU-WORKSTATION", "Workstation tower", 249900, 25],
          ["SKU-GIFT-CARD", "Gift card ($50)", 5000, 10000],
          ["SKU-LIMITED", "Limited-edition keycap set", 8900, 0],
        ] as const
      ).map(([sku, name, priceCents, available]) => ({
        sku,
        name,
        priceCents,
        currency: "USD",
        available,
        reviewRequired: sku === "SKU-GIFT-CARD",
      })),
    ),
  },
  // The public API's order view has a type, not a schema: typed only.
  orderView: {
    orderId: ORDER,
    status: "PROCESSING",
    customerId: "customer-1",
    correlationId: "corr-7d41",
    lines: [
      {
        sku: "SKU-KEYBOARD",
        name: "Mechanical keyboard",
        quantity: 1,
        unitPriceCents: 12900,
        lineTotalCents: 12900,
      },
    ],
    totalCents: 12900,
    currency: "USD",
    flagged: false,
    reviewReason: null,
    createdAt: iso(-20),
    updatedAt: iso(-5),
    payment: { status: "AUTHORIZED" },
    approval: null,
    cancellation: null,
    timeline: journal.slice(0, 5),
  } satisfies OrderView,
  ids: { ORDER, FLAGGED, ARN },
};

const json = (route: Route, body: unknown, status = 200) =>
  route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

/** Answer every /api call from the fixtures (`empty`: lists come back empty). */
export async function mockApi(page: Page, options: { empty?: boolean } = {}) {
  const f = options.empty
    ? {
        ...fixtures,
        queues: { queues: fixtures.queues.queues.map((q) => ({ ...q, visible: 0, inFlight: 0 })) },
        dlqMessages: { messages: [] },
        approvals: { items: [] },
        decided: { items: [] },
        orders: { items: [] },
        executions: { items: [], stateMachine: STATE_MACHINE },
        counts: {
          counts: { RUNNING: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 },
          cap: 100,
          recentFailures: [],
        },
        replays: { replays: [] },
        catalog: { items: [] },
      }
    : fixtures;
  await page.route("**/api/**", (route) => {
    const url = new URL(route.request().url());
    const path = url.pathname;
    if (path === "/api/catalog") return json(route, f.catalog);
    if (path.startsWith("/api/orders/")) return json(route, f.orderView);
    if (path === "/api/admin/queues") return json(route, f.queues);
    if (/\/api\/admin\/queues\/[^/]+\/messages/.test(path)) return json(route, f.dlqMessages);
    if (path === "/api/admin/executions/counts") return json(route, f.counts);
    if (path === "/api/admin/executions") return json(route, f.executions);
    if (path.startsWith("/api/admin/executions/")) return json(route, f.execution);
    if (path === "/api/admin/approvals")
      return json(route, url.searchParams.get("state") === "decided" ? f.decided : f.approvals);
    if (path === "/api/admin/orders") return json(route, f.orders);
    if (/\/api\/admin\/orders\/[^/]+\/logs/.test(path)) return json(route, f.logs);
    if (path.startsWith("/api/admin/orders/")) return json(route, f.order);
    if (path === "/api/admin/events/replays") return json(route, f.replays);
    return json(route, { code: "NOT_FOUND", message: `no fixture for ${path}` }, 404);
  });
}
