// The one description of the system's topology. `infra/` turns it into AWS
// resources with SST; `packages/local` turns it into local tables, queues,
// topics, rules, mappings and the state machine. Neither runtime hard-codes a
// name, a pattern, a queue setting, a timeout or a link: they read them here,
// so the two cannot drift. Keys double as SST component names and as the
// `Resource.<Name>` link names handlers see.

export const app = {
  name: "orders",
  /** Event `source` of events about orders, as consumers' rules match them. */
  eventSource: "orders.api",
} as const;

// ─── Data ────────────────────────────────────────────────────────────────────

export interface TableSpec {
  hashKey: string;
  rangeKey?: string;
  globalIndexes: Record<string, { hashKey: string; rangeKey?: string }>;
  stream?: "new-and-old-images";
  ttl?: string;
}

export const tables = {
  /** System of record: order META, journal entries, payment, approval, notification items. */
  OrdersTable: {
    hashKey: "pk",
    rangeKey: "sk",
    globalIndexes: {
      // Console lists: orders by status, by customer, and lookup by correlation id.
      byStatus: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
      byCustomer: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
      byCorrelation: { hashKey: "gsi3pk", rangeKey: "gsi3sk" },
    },
    // The stream is the transactional outbox (seed §8.2): OrderPlaced and
    // OrderStatusChanged are published from committed writes.
    stream: "new-and-old-images",
    ttl: "expiresAt",
  },
  /** Stock per SKU and reservation records; only the saga's inventory steps touch it. */
  InventoryTable: {
    hashKey: "pk",
    rangeKey: "sk",
    globalIndexes: {},
  },
  /**
   * The sandbox payment provider's own ledger (authorisations, captures, voids,
   * refunds). It belongs to the provider, not to us: only PaymentSandbox links it.
   */
  PaymentLedgerTable: {
    hashKey: "pk",
    rangeKey: "sk",
    globalIndexes: {},
  },
  /**
   * The sandbox notification provider's own ledger (requests, deliveries,
   * idempotency keys). Only NotificationSandbox links it.
   */
  NotificationLedgerTable: {
    hashKey: "pk",
    rangeKey: "sk",
    globalIndexes: {},
  },
  /** Powertools idempotency persistence layer (its default key and TTL attribute names). */
  IdempotencyTable: {
    hashKey: "id",
    globalIndexes: {},
    ttl: "expiration",
  },
} as const satisfies Record<string, TableSpec>;

// ─── Functions ───────────────────────────────────────────────────────────────

/** Every queue, by role. Spelled out so functions can link to them before `queues` is defined. */
export type WorkQueueName = "PaymentQueue" | "ApprovalsQueue" | "EmailQueue" | "SmsQueue";
export type DlqName =
  | "PaymentQueueDlq"
  | "ApprovalsQueueDlq"
  | "EmailQueueDlq"
  | "SmsQueueDlq"
  | "PaymentRuleDlq"
  | "NotificationsRuleDlq"
  | "SagaRuleDlq"
  | "SagaCompensationDlq"
  | "StreamFailures";
export type QueueName = WorkQueueName | DlqName;

/** Every name a function may link to: tables, bus, queues, topic, saga, config. */
export type LinkName =
  | keyof typeof tables
  | "Bus"
  | QueueName
  | "NotificationsTopic"
  | "FulfillmentSaga"
  | "SagaCallbacks"
  | "PaymentProvider"
  | "NotificationProvider"
  | "OrderPolicy"
  | "Auth";

type TableName = keyof typeof tables;
type StreamTable = {
  [T in TableName]: (typeof tables)[T] extends { stream: string } ? T : never;
}[TableName];
type TableIndex = {
  [T in TableName]: `${T}/index/${keyof (typeof tables)[T]["globalIndexes"] & string}`;
}[TableName];

/**
 * What a grant may name: a link (its table, queue, bus, state machine, or the
 * function behind a provider's URL), a part of one, or what no link stands for.
 */
export type GrantTarget =
  | LinkName
  /** A GSI: a Query with IndexName is authorised on the index's ARN, not the table's. */
  | TableIndex
  | `${StreamTable}/stream`
  /** The state machine's executions (`execution:<machine>:*`). */
  | "FulfillmentSaga/executions"
  | "SagaCallbacks/executions"
  | "Bus/archive"
  /** Replays, named by whoever starts one (`replay/*`). */
  | "Bus/replays"
  /** The log groups of this stage's functions (`/aws/lambda/<app>-<stage>-*`). */
  | "FunctionLogs"
  /** Only for actions AWS authorises on no resource (IAM's `Resource: "*"`): say why beside it. */
  | "*";

/** IAM actions a function's code calls, on the resources it calls them on. */
export interface Grant {
  actions: readonly string[];
  on: readonly GrantTarget[];
  /** Why a grant that no test run or bench exercises is still needed; the IAM usage report counts it as justified. */
  unusedBecause?: string;
}

const allow = (actions: readonly string[], on: readonly GrantTarget[], unusedBecause?: string) =>
  unusedBecause ? { actions, on, unusedBecause } : { actions, on };

// A function URL with IAM auth is authorised on both actions since October
// 2025 (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
const callProvider = (provider: "PaymentProvider" | "NotificationProvider") =>
  allow(["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"], [provider]);

// A status-guarded update that is refused returns the item it found
// (ReturnValuesOnConditionCheckFailure); the order is read again only when that
// refusal carries none, which a test run does not reach.
const readOrderWhenRefused = allow(
  ["dynamodb:GetItem"],
  ["OrdersTable"],
  "reads the order only when a refused status-guarded update comes back without it (ReturnValuesOnConditionCheckFailure returns it)",
);

export interface FunctionSpec {
  /** Handler path from the repo root, as SST expects it. */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The resources whose `Resource.<Name>` values this function reads (names, URLs, settings). */
  links: readonly LinkName[];
  /**
   * Least privilege: every AWS call its code can make (handler, core modules,
   * Powertools), on what it makes it. Deployed as the role's only statements
   * (with X-Ray's and its event sources'); a link grants nothing by itself.
   * DynamoDB transactions are authorised per item (UpdateItem/PutItem/… on
   * each table); a GSI query on the index.
   */
  permissions: readonly Grant[];
  description: string;
  /**
   * Lambda's on-failure destination: where an asynchronous invocation (an
   * EventBridge target) goes once it and its two retries failed.
   */
  onAsyncFailure?: DlqName;
}

const fn = (
  file: string,
  timeoutSeconds: number,
  links: readonly LinkName[],
  description: string,
  permissions: readonly Grant[],
  memoryMb = 512,
): FunctionSpec => ({
  handler: `packages/functions/src/${file}.handler`,
  timeoutSeconds,
  memoryMb,
  links,
  permissions,
  description,
});

// The queues by what the admin API does with them (queue ages, DLQ peek and
// redrive); the topology tests check these lists against `queues`.
const workQueues = ["PaymentQueue", "ApprovalsQueue", "EmailQueue", "SmsQueue"] as const;
/** Consumers' DLQs: redriven whole to their source (StartMessageMoveTask) or letter by letter. */
const consumerDlqs = [
  "PaymentQueueDlq",
  "ApprovalsQueueDlq",
  "EmailQueueDlq",
  "SmsQueueDlq",
] as const;
/** Rules' DLQs on our bus: redriven letter by letter with PutEvents. */
const ruleDlqs = ["PaymentRuleDlq", "NotificationsRuleDlq", "SagaRuleDlq"] as const;
/** Peeked, never redriven: AWS service events, stream record positions. */
const peekOnlyDlqs = ["SagaCompensationDlq", "StreamFailures"] as const;

// What the admin API calls (packages/functions/src/admin/adapters).
const adminApiPermissions: readonly Grant[] = [
  allow(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"], ["OrdersTable"]),
  allow(
    ["dynamodb:Query"],
    [
      "OrdersTable/index/byStatus",
      "OrdersTable/index/byCustomer",
      "OrdersTable/index/byCorrelation",
    ],
  ),
  allow(["states:ListExecutions"], ["FulfillmentSaga"]),
  allow(
    ["states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"],
    ["FulfillmentSaga/executions"],
  ),
  // Depths of every queue; peeks of every DLQ; a redrive of chosen letters
  // receives them, sends each to its source (or PutEvents for a rule's DLQ),
  // deletes it and puts the others back; a whole DLQ moves with
  // StartMessageMoveTask, which AWS also authorises as receive, delete and
  // attributes on the DLQ and send on its source
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
  allow(["sqs:GetQueueAttributes"], [...workQueues, ...consumerDlqs, ...ruleDlqs, ...peekOnlyDlqs]),
  allow(["sqs:ReceiveMessage"], [...consumerDlqs, ...ruleDlqs, ...peekOnlyDlqs]),
  allow(["sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], [...consumerDlqs, ...ruleDlqs]),
  allow(["sqs:StartMessageMoveTask"], consumerDlqs),
  allow(["sqs:SendMessage"], workQueues),
  allow(["events:PutEvents"], ["Bus"]),
  allow(["events:DescribeArchive"], ["Bus/archive"]),
  // StartReplay is authorised on the archive, the destination bus and the new
  // replay (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html).
  allow(["events:StartReplay"], ["Bus/archive", "Bus", "Bus/replays"]),
  // Listing archives, replays and rules: no resource-level permission exists.
  allow(["events:ListArchives", "events:ListReplays", "events:ListRules"], ["*"]),
  allow(["logs:StartQuery"], ["FunctionLogs"]),
  // DescribeLogGroups has no resource-level permission; GetQueryResults names
  // only a query id (what it reads is a query StartQuery, scoped above, began).
  allow(["logs:DescribeLogGroups", "logs:GetQueryResults"], ["*"]),
  // Queue ages (AWS/SQS metrics): GetMetricData has no resource-level permission.
  allow(["cloudwatch:GetMetricData"], ["*"]),
];

export const functions = {
  Ingress: fn(
    "ingress",
    10,
    ["OrdersTable", "InventoryTable", "OrderPolicy"],
    "POST /api/orders: validate, idempotent conditional create, 202 + status URL",
    [
      allow(["dynamodb:BatchGetItem"], ["InventoryTable"]),
      allow(["dynamodb:PutItem"], ["OrdersTable"]),
      allow(
        ["dynamodb:GetItem"],
        ["OrdersTable"],
        "createOrder reads the winning order only when a refused put comes back without it (ReturnValuesOnConditionCheckFailure returns it)",
      ),
    ],
  ),
  OrderStatus: fn(
    "order-status",
    10,
    ["OrdersTable"],
    "GET /api/orders/{orderId}: status and timeline for the owning customer",
    [allow(["dynamodb:Query"], ["OrdersTable"])],
  ),
  Catalog: fn("catalog", 10, ["InventoryTable"], "GET /api/catalog: SKUs, prices and stock", [
    allow(["dynamodb:Scan"], ["InventoryTable"]),
  ]),
  StreamPublisher: fn(
    "stream-publisher",
    30,
    ["OrdersTable", "Bus"],
    "Orders stream → OrderPlaced.v1 / OrderStatusChanged.v1 on the bus (outbox)",
    [allow(["events:PutEvents"], ["Bus"])],
  ),
  PipeEnrichment: fn(
    "pipe-enrichment",
    30,
    [],
    "OrdersPipe's enrichment: orders stream records → the same OrderPlaced.v1 / OrderStatusChanged.v1 the stream publisher sends (no AWS calls)",
    [],
  ),
  ApprovalCallbacks: fn(
    "approval-callbacks",
    30,
    ["OrdersTable", "SagaCallbacks"],
    "Orders stream (decided approvals) → SendTaskSuccess/Failure to the saga (outbox); EXPIRED if its wait timed out",
    [
      // IAM's reference lists no resource for the callbacks, yet AWS checks
      // them on the state machine whose token they answer and names it when
      // denying (https://github.com/aws/aws-cdk/pull/8486).
      allow(["states:SendTaskSuccess", "states:SendTaskFailure"], ["SagaCallbacks"]),
      allow(["states:GetExecutionHistory"], ["SagaCallbacks/executions"]),
      allow(["dynamodb:UpdateItem"], ["OrdersTable"]),
    ],
  ),
  PaymentWorker: fn(
    "payment-worker",
    15,
    ["OrdersTable", "IdempotencyTable", "PaymentProvider"],
    "Payment queue → authorise with the provider, PAYMENT item",
    [
      allow(["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"], ["OrdersTable"]),
      allow(
        ["dynamodb:GetItem"],
        ["OrdersTable"],
        "reads the PAYMENT item when its create is refused by one already there: a redelivered message Powertools idempotency did not catch (its record expired)",
      ),
      // Powertools idempotency's DynamoDB persistence layer.
      allow(
        ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        ["IdempotencyTable"],
      ),
      allow(
        ["dynamodb:GetItem"],
        ["IdempotencyTable"],
        "Powertools reads a record with GetItem only when its refused PutItem comes back without the existing record",
      ),
      callProvider("PaymentProvider"),
    ],
  ),
  Notifier: fn(
    "notifier",
    10,
    ["OrdersTable", "NotificationProvider"],
    "Per-channel notification queues → send (idempotency key) and record each notification",
    [
      allow(["dynamodb:GetItem", "dynamodb:UpdateItem"], ["OrdersTable"]),
      callProvider("NotificationProvider"),
    ],
  ),
  ApprovalsWorker: fn(
    "approvals-worker",
    10,
    ["OrdersTable"],
    "Approvals queue → pending approval item with its task token and deadline",
    [allow(["dynamodb:UpdateItem"], ["OrdersTable"]), readOrderWhenRefused],
  ),
  ClaimOrder: fn(
    "saga/claim-order",
    10,
    ["OrdersTable"],
    "Saga: bind the order to this execution; a second saga for it stops here",
    [allow(["dynamodb:UpdateItem", "dynamodb:GetItem"], ["OrdersTable"])],
  ),
  ReserveInventory: fn(
    "saga/reserve-inventory",
    10,
    ["InventoryTable", "OrdersTable"],
    "Saga: reserve every line in one transaction",
    [
      allow(["dynamodb:UpdateItem"], ["InventoryTable"]),
      allow(["dynamodb:UpdateItem"], ["OrdersTable"]),
      readOrderWhenRefused,
    ],
  ),
  ReleaseInventory: fn(
    "saga/release-inventory",
    10,
    ["InventoryTable", "OrdersTable"],
    "Saga compensation: release the reservation (idempotent)",
    [
      allow(["dynamodb:UpdateItem"], ["InventoryTable"]),
      allow(["dynamodb:UpdateItem", "dynamodb:GetItem"], ["OrdersTable"]),
    ],
  ),
  CapturePayment: fn(
    "saga/capture-payment",
    15,
    ["OrdersTable", "PaymentProvider"],
    "Saga: capture the authorised payment",
    [
      allow(["dynamodb:GetItem", "dynamodb:UpdateItem"], ["OrdersTable"]),
      callProvider("PaymentProvider"),
    ],
  ),
  VoidPayment: fn(
    "saga/void-payment",
    15,
    ["OrdersTable", "PaymentProvider"],
    "Saga compensation: void the authorisation or refund the capture (idempotent)",
    [
      allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], ["OrdersTable"]),
      callProvider("PaymentProvider"),
    ],
  ),
  CompleteOrder: fn(
    "saga/complete-order",
    10,
    ["OrdersTable", "InventoryTable"],
    "Saga: mark FULFILLED (status-guarded), ship the reservation",
    // Shipping is a field of the order's reservation: the stock left at reservation.
    [allow(["dynamodb:UpdateItem"], ["OrdersTable"]), readOrderWhenRefused],
  ),
  CancelOrder: fn(
    "saga/cancel-order",
    10,
    ["OrdersTable"],
    "Saga compensation: mark CANCELLED (status-guarded)",
    [allow(["dynamodb:GetItem", "dynamodb:UpdateItem"], ["OrdersTable"])],
  ),
  SagaCompensator: {
    ...fn(
      "saga-compensator",
      60,
      ["OrdersTable", "InventoryTable", "PaymentProvider"],
      "Saga ended TIMED_OUT/FAILED/ABORTED (no Catch ran): void, release and cancel its order",
      [
        allow(["dynamodb:GetItem", "dynamodb:UpdateItem"], ["OrdersTable"]),
        allow(
          ["dynamodb:PutItem"],
          ["OrdersTable"],
          "a void with no PAYMENT item yet leaves a tombstone (a late authorisation is then voided); the suite's deadlines pass after the authorisation",
        ),
        allow(["dynamodb:UpdateItem"], ["InventoryTable"]),
        callProvider("PaymentProvider"),
      ],
    ),
    onAsyncFailure: "SagaCompensationDlq",
  },
  PaymentSandbox: fn(
    "payment-sandbox",
    10,
    ["PaymentLedgerTable"],
    "Sandbox payment provider (test mode): its own API and ledger, deterministic test cards",
    [
      allow(
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
        ["PaymentLedgerTable"],
      ),
    ],
  ),
  NotificationSandbox: fn(
    "notification-sandbox",
    10,
    ["NotificationLedgerTable"],
    "Sandbox notification provider: email/SMS API with idempotency keys, its own ledger",
    [
      allow(
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
        ["NotificationLedgerTable"],
      ),
    ],
  ),
  AdminApi: fn(
    "admin-api",
    29,
    [
      "OrdersTable",
      "InventoryTable",
      "FulfillmentSaga",
      "Bus",
      "PaymentQueue",
      "PaymentQueueDlq",
      "PaymentRuleDlq",
      "ApprovalsQueue",
      "ApprovalsQueueDlq",
      "EmailQueue",
      "EmailQueueDlq",
      "SmsQueue",
      "SmsQueueDlq",
      "NotificationsRuleDlq",
      "SagaRuleDlq",
      "SagaCompensationDlq",
      "StreamFailures",
      "Auth",
    ],
    "Hono admin API for the ops console (operator group required)",
    adminApiPermissions,
    1024,
  ),
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

// ─── Queues ──────────────────────────────────────────────────────────────────

const DAY = 86_400;

export interface WorkQueueSpec {
  kind: "work";
  dlq: DlqName;
  maxReceiveCount: number;
  retentionSeconds: number;
  /** ≥ 6× the consumer's timeout (seed §5.2), checked by topology tests. */
  visibilityTimeoutSeconds: number;
  consumer: {
    function: FunctionName;
    batchSize: number;
    batchingWindowSeconds: number;
    /** Event source mapping ScalingConfig.MaximumConcurrency (2–1000). */
    maxConcurrency: number;
    /** Partial batch responses (FunctionResponseTypes: ReportBatchItemFailures). */
    reportBatchItemFailures: true;
  };
}

export interface DlqSpec {
  kind: "dlq";
  retentionSeconds: number;
  /** What lands here: consumer failures (SQS redrive) or undeliverable events (rule DLQ). */
  catches: "consumer-failures" | "rule-delivery-failures" | "stream-failures";
}

const dlq = (catches: DlqSpec["catches"]): DlqSpec => ({
  kind: "dlq",
  retentionSeconds: 14 * DAY,
  catches,
});

export const queues = {
  PaymentQueue: {
    kind: "work",
    dlq: "PaymentQueueDlq",
    maxReceiveCount: 5,
    retentionSeconds: 4 * DAY,
    visibilityTimeoutSeconds: 90,
    consumer: {
      function: "PaymentWorker",
      batchSize: 10,
      // No batching window: the authorisation is on every order's critical
      // path (the saga's capture waits for it); a backlog still fills batches.
      batchingWindowSeconds: 0,
      maxConcurrency: 5,
      reportBatchItemFailures: true,
    },
  },
  ApprovalsQueue: {
    kind: "work",
    dlq: "ApprovalsQueueDlq",
    maxReceiveCount: 5,
    retentionSeconds: 4 * DAY,
    visibilityTimeoutSeconds: 60,
    consumer: {
      function: "ApprovalsWorker",
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    },
  },
  EmailQueue: {
    kind: "work",
    dlq: "EmailQueueDlq",
    maxReceiveCount: 5,
    retentionSeconds: 4 * DAY,
    visibilityTimeoutSeconds: 60,
    consumer: {
      function: "Notifier",
      batchSize: 10,
      batchingWindowSeconds: 1,
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    },
  },
  SmsQueue: {
    kind: "work",
    dlq: "SmsQueueDlq",
    maxReceiveCount: 5,
    retentionSeconds: 4 * DAY,
    visibilityTimeoutSeconds: 60,
    consumer: {
      function: "Notifier",
      batchSize: 10,
      batchingWindowSeconds: 1,
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    },
  },
  PaymentQueueDlq: dlq("consumer-failures"),
  ApprovalsQueueDlq: dlq("consumer-failures"),
  EmailQueueDlq: dlq("consumer-failures"),
  SmsQueueDlq: dlq("consumer-failures"),
  PaymentRuleDlq: dlq("rule-delivery-failures"),
  NotificationsRuleDlq: dlq("rule-delivery-failures"),
  SagaRuleDlq: dlq("rule-delivery-failures"),
  // The compensator's rule DLQ, and on AWS also its function's on-failure
  // destination (an asynchronous invocation that failed every retry).
  SagaCompensationDlq: dlq("rule-delivery-failures"),
  StreamFailures: dlq("stream-failures"),
} as const satisfies Record<WorkQueueName, WorkQueueSpec> & Record<DlqName, DlqSpec>;

// ─── Events ──────────────────────────────────────────────────────────────────

export const detailTypes = {
  OrderPlaced: "OrderPlaced.v1",
  OrderStatusChanged: "OrderStatusChanged.v1",
} as const;

export const bus = {
  name: "Bus",
  /** Everything the orders service publishes is archived for replay (seed §9.5). */
  archive: {
    name: "orders-archive",
    retentionDays: 30,
    pattern: { source: [app.eventSource] },
  },
  /**
   * Delivery retries of every rule target before the event goes to the rule's
   * DLQ: EventBridge's own defaults (24 h, 185 attempts, seed §9), spelled out
   * so a deployed target never silently drops an event on a changed default.
   */
  targetRetry: { maximumEventAgeSeconds: 86_400, maximumRetryAttempts: 185 },
} as const;

export const notifications = {
  topic: "NotificationsTopic",
  /**
   * EventBridge targets cannot set SNS message attributes, so each channel
   * filters on the message body (FilterPolicyScope: MessageBody) — the raw
   * EventBridge event JSON.
   */
  subscriptions: {
    EmailQueue: {
      "detail-type": [detailTypes.OrderPlaced, detailTypes.OrderStatusChanged],
      detail: { status: ["ACCEPTED", "AWAITING_APPROVAL", "FULFILLED", "CANCELLED"] },
    },
    SmsQueue: {
      "detail-type": [detailTypes.OrderStatusChanged],
      detail: { status: ["FULFILLED", "CANCELLED"] },
    },
  } satisfies Partial<Record<WorkQueueName, object>>,
} as const;

export type RuleTarget =
  | { kind: "queue"; queue: WorkQueueName; deadLetter: DlqName }
  | { kind: "topic"; topic: "NotificationsTopic"; deadLetter: DlqName }
  | { kind: "saga"; inputPath: string; deadLetter: DlqName }
  | { kind: "function"; function: FunctionName; deadLetter: DlqName };

export interface RuleSpec {
  description: string;
  /** Where the rule lives: our bus (default), or the account's default bus that AWS services emit to. */
  bus?: "default";
  /** `${FulfillmentSagaArn}` is filled per runtime (renderRulePattern). */
  pattern: Record<string, unknown>;
  target: RuleTarget;
}

/** Filled with the runtime's state machine ARN by renderRulePattern. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder, as in the saga's ASL
const sagaArnPlaceholder = "${FulfillmentSagaArn}";

/** Step Functions' own event for an execution's status change, on the default bus. */
export const sagaStatusEvent = {
  source: "aws.states",
  detailType: "Step Functions Execution Status Change",
  /** Ends in which no Catch ran: the saga's compensations may not have run. */
  unfinishedStatuses: ["TIMED_OUT", "FAILED", "ABORTED"],
} as const;

export const rules = {
  OrderPlacedToPayment: {
    description: "Every placed order is authorised by the payment worker",
    pattern: { source: [app.eventSource], "detail-type": [detailTypes.OrderPlaced] },
    target: { kind: "queue", queue: "PaymentQueue", deadLetter: "PaymentRuleDlq" },
  },
  OrderPlacedToSaga: {
    description: "Every placed order starts the fulfilment saga",
    pattern: { source: [app.eventSource], "detail-type": [detailTypes.OrderPlaced] },
    target: { kind: "saga", inputPath: "$.detail", deadLetter: "SagaRuleDlq" },
  },
  OrderEventsToNotifications: {
    description: "Customer-visible order events fan out to notification channels",
    pattern: {
      source: [app.eventSource],
      "detail-type": [detailTypes.OrderPlaced, detailTypes.OrderStatusChanged],
    },
    target: { kind: "topic", topic: "NotificationsTopic", deadLetter: "NotificationsRuleDlq" },
  },
  SagaEndedToCompensator: {
    description:
      "A saga that timed out, failed or was stopped ran no Catch: the compensator undoes its order",
    bus: "default",
    pattern: {
      source: [sagaStatusEvent.source],
      "detail-type": [sagaStatusEvent.detailType],
      detail: {
        status: [...sagaStatusEvent.unfinishedStatuses],
        stateMachineArn: [sagaArnPlaceholder],
      },
    },
    target: { kind: "function", function: "SagaCompensator", deadLetter: "SagaCompensationDlq" },
  },
} as const satisfies Record<string, RuleSpec>;

/**
 * The DLQ of a rule on the default bus holds AWS service events (Step Functions'
 * status changes): they cannot be put back on our bus (AWS refuses `aws.*`
 * sources in PutEvents), so the console offers no redrive for it.
 */
export const holdsServiceEvents = (dlq: string) =>
  Object.values(rules as Record<string, RuleSpec>).some(
    (rule) => rule.bus === "default" && rule.target.deadLetter === dlq,
  );

/** A rule's pattern with this runtime's state machine ARN filled in. */
export function renderRulePattern(spec: RuleSpec, values: { FulfillmentSagaArn: string }) {
  return JSON.parse(
    JSON.stringify(spec.pattern).replaceAll(sagaArnPlaceholder, values.FulfillmentSagaArn),
  ) as Record<string, unknown>;
}

// ─── Streams ─────────────────────────────────────────────────────────────────

/**
 * How the outbox's derived events (OrderPlaced.v1, OrderStatusChanged.v1)
 * reach the bus: `function`, the StreamPublisher on the OrdersStream mapping
 * (the default), or `pipe`, the EventBridge Pipe OrdersPipe (the orders
 * stream → filter → PipeEnrichment → the bus), never both. Read at synth time
 * and when the local cloud starts, from ORDERS_DERIVED_EVENTS=pipe; the same
 * events either way (packages/local/src/derived-events.integration.test.ts).
 * The function retries each failed PutEvents entry itself and sends each
 * order's X-Ray trace header; the pipe runs no code that calls AWS and its
 * filter drops other writes before anything is billed, but a pipe's PutEvents
 * carries no per-event trace header.
 */
export type DerivedEventsVia = "function" | "pipe";
export const derivedEvents: { via: DerivedEventsVia } = {
  via: globalThis.process?.env?.ORDERS_DERIVED_EVENTS === "pipe" ? "pipe" : "function",
};

/** Whether a stream mapping runs with these derived-events settings: OrdersStream only via the function. */
export const streamMappingInUse = (name: string, via: DerivedEventsVia = derivedEvents.via) =>
  name !== "OrdersStream" || via === "function";

export const streamMappings = {
  OrdersStream: {
    table: "OrdersTable",
    function: "StreamPublisher",
    batchSize: 100,
    batchingWindowSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    maximumRetryAttempts: 10,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
    onFailure: "StreamFailures",
  },
  /**
   * The outbox of operator decisions: the write that saves a decision (task
   * token kept on the order) is the commit point, and its record delivers the
   * callback to the saga. Filtered to approvals leaving PENDING, so the other
   * writes never invoke the function (filtered records are not billed on AWS).
   * A generous retry budget: a decision that gives up here is an approved
   * order cancelled at its deadline; each retry is one idempotent callback.
   */
  ApprovalDecisions: {
    table: "OrdersTable",
    function: "ApprovalCallbacks",
    batchSize: 10,
    batchingWindowSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    maximumRetryAttempts: 100,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
    onFailure: "StreamFailures",
    filters: [
      {
        eventName: ["MODIFY"],
        dynamodb: {
          Keys: { sk: { S: ["META"] } },
          OldImage: { approval: { M: { status: { S: ["PENDING"] } } } },
          NewImage: { approval: { M: { status: { S: ["APPROVED", "REJECTED"] } } } },
        },
      },
    ],
  },
} as const satisfies Record<
  string,
  {
    table: keyof typeof tables;
    function: FunctionName;
    batchSize: number;
    batchingWindowSeconds: number;
    startingPosition: "TRIM_HORIZON" | "LATEST";
    maximumRetryAttempts: number;
    bisectBatchOnFunctionError: boolean;
    reportBatchItemFailures: boolean;
    onFailure: DlqName;
    /** Lambda event filtering (FilterCriteria): only records matching one of these reach the function. */
    filters?: readonly Record<string, unknown>[];
  }
>;

/**
 * The outbox as an EventBridge Pipe (seed §4.4, §8.2), run instead of
 * OrdersStream when `derivedEvents.via` is `pipe`. The filter passes exactly
 * the records the publisher acts on as far as a pattern can tell: an order's
 * META item inserted, or modified from an order META item. A pattern cannot
 * compare the old status with the new one, so the enrichment drops a MODIFY
 * that changed no status (it publishes nothing, as the publisher does). Each
 * event's detail-type, source and time are read from the enrichment's answer
 * (dynamic path parameters, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html),
 * its detail is the answer's `detail`. Batch, retries, bisect and failure
 * queue as OrdersStream's.
 */
export const pipes = {
  OrdersPipe: {
    table: "OrdersTable",
    enrichment: "PipeEnrichment",
    target: "Bus",
    batchSize: 100,
    batchingWindowSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    maximumRetryAttempts: 10,
    bisectBatchOnFunctionError: true,
    onFailure: "StreamFailures",
    filters: [
      {
        eventName: ["INSERT"],
        dynamodb: { NewImage: { sk: { S: ["META"] }, entity: { S: ["ORDER"] } } },
      },
      {
        eventName: ["MODIFY"],
        dynamodb: {
          OldImage: { sk: { S: ["META"] }, entity: { S: ["ORDER"] } },
          NewImage: { sk: { S: ["META"] }, entity: { S: ["ORDER"] } },
        },
      },
    ],
    busTarget: {
      DetailType: "$.detailType",
      Source: "$.source",
      Time: "$.time",
      InputTemplate: "<$.detail>",
    },
  },
} as const satisfies Record<
  string,
  {
    table: keyof typeof tables;
    enrichment: FunctionName;
    target: "Bus";
    batchSize: number;
    batchingWindowSeconds: number;
    startingPosition: "TRIM_HORIZON" | "LATEST";
    maximumRetryAttempts: number;
    bisectBatchOnFunctionError: boolean;
    onFailure: DlqName;
    filters: readonly Record<string, unknown>[];
    busTarget: { DetailType: string; Source: string; Time: string; InputTemplate: string };
  }
>;

// ─── HTTP API ────────────────────────────────────────────────────────────────

export const scopes = {
  read: "orders/read",
  write: "orders/write",
} as const;

export interface RouteSpec {
  function: FunctionName;
  /** OAuth scopes the JWT authorizer requires (any of them). Empty: any valid token. */
  scopes: readonly string[];
  /** Route-level throttling: requests per second and burst. */
  throttle: { rate: number; burst: number };
  auth: "jwt" | "none";
}

export const api = {
  /** Stage-wide default throttle; routes may tighten it. */
  defaultThrottle: { rate: 500, burst: 1000 },
  cors: {
    allowHeaders: ["authorization", "content-type", "idempotency-key", "x-correlation-id"],
    exposeHeaders: ["x-correlation-id", "location"],
    allowMethods: ["GET", "POST", "OPTIONS"],
    maxAgeSeconds: 600,
  },
  routes: {
    "POST /api/orders": {
      function: "Ingress",
      scopes: [scopes.write],
      throttle: { rate: 200, burst: 400 },
      auth: "jwt",
    },
    "GET /api/orders/{orderId}": {
      function: "OrderStatus",
      scopes: [scopes.read],
      throttle: { rate: 500, burst: 1000 },
      auth: "jwt",
    },
    "GET /api/catalog": {
      function: "Catalog",
      scopes: [scopes.read],
      throttle: { rate: 500, burst: 1000 },
      auth: "jwt",
    },
    "ANY /api/admin/{proxy+}": {
      function: "AdminApi",
      scopes: [],
      throttle: { rate: 100, burst: 200 },
      auth: "jwt",
    },
  } satisfies Record<string, RouteSpec>,
} as const;

// ─── Auth ────────────────────────────────────────────────────────────────────

export const auth = {
  /** Cognito group (and local provider group) whose members may use the admin API. */
  operatorGroup: "ops",
  resourceServer: "orders",
  /** Where the identity provider sends the console back after login (code + PKCE). */
  callbackPath: "/auth/callback",
} as const;

// ─── Console ─────────────────────────────────────────────────────────────────

/**
 * The ops console's build-time settings (Vite env var names), as both runtimes
 * set them: the HTTP API is same-origin under `apiBasePath`.
 */
export const webConsole = {
  path: "packages/web",
  apiBasePath: "/api",
  env: {
    apiBase: "VITE_API_BASE",
    oidcAuthority: "VITE_OIDC_AUTHORITY",
    oidcClientId: "VITE_OIDC_CLIENT_ID",
    oidcScope: "VITE_OIDC_SCOPE",
  },
} as const;

// ─── Business policy ─────────────────────────────────────────────────────────

export const orderPolicy = {
  /** Orders whose total (in cents) exceeds this wait for an operator's approval. */
  approvalThresholdCents: 100_000,
  /** How long a flagged order waits for a decision before it is cancelled. */
  approvalTimeoutSeconds: 86_400,
  /**
   * The saga's top-level TimeoutSeconds: past it Step Functions ends the
   * execution TIMED_OUT (no Catch runs) and the SagaCompensator undoes the
   * order. Above the longest legitimate path (approval window + payment wait +
   * every retry, checked by the topology tests): 26 h.
   */
  sagaTimeoutSeconds: 93_600,
  maxLinesPerOrder: 25,
  maxQuantityPerLine: 100,
} as const;
