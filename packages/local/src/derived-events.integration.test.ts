// The outbox's two ways to the bus (topology `derivedEvents`): the same order
// writes, once through the StreamPublisher's mapping and once through the
// orders pipe (its filter, PipeEnrichment, the bus target reading each event's
// detail-type, source and time), each on a whole local cloud with IAM enforced,
// deliver the same derived events: same detail, correlation ids, detail-types,
// sources and times, in the same order per order, nothing missing, nothing extra.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DisableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { DescribePipeCommand, PipesClient } from "@aws-sdk/client-pipes";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { app, type DerivedEventsVia, detailTypes } from "@orders/core/topology";
import { expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { ordersPipeOf } from "./cloud/derived-events";
import { REGION } from "./config";
import { deployment } from "./graph";

const admin = {
  region: REGION,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  maxAttempts: 1,
};

interface Delivered {
  source: string;
  detailType: string;
  time: string;
  detail: { orderId: string; correlationId: string; eventId: string } & Record<string, unknown>;
}

const order = (n: number) => ({
  pk: `ORDER#ord_${n}`,
  sk: "META",
  entity: "ORDER",
  orderId: `ord_${n}`,
  customerId: "alice",
  idempotencyKey: `k${n}`,
  requestHash: "h",
  correlationId: `corr-${n}`,
  status: "ACCEPTED",
  lines: [
    {
      sku: "SKU-KEYBOARD",
      name: "Keyboard",
      quantity: 1,
      unitPriceCents: 100,
      lineTotalCents: 100,
    },
  ],
  totalCents: 100 * n,
  currency: "USD",
  flagged: n === 2,
  reviewReason: n === 2 ? "amount" : null,
  payment: { method: "card", token: "tok_approve" },
  createdAt: `2025-01-01T00:0${n}:00.000Z`,
  updatedAt: `2025-01-01T00:0${n}:00.000Z`,
  statusChangedAt: `2025-01-01T00:0${n}:00.000Z`,
  journal: [],
});

/** The same writes for both runs: what the publisher acts on and what it must ignore. */
async function writeOrders(doc: DynamoDBDocumentClient, table: string, orders: number[]) {
  const status = (n: number, to: string, at: string, extra: Record<string, unknown> = {}) =>
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `ORDER#ord_${n}`, sk: "META" },
        UpdateExpression: `SET #s = :s, statusChangedAt = :at, updatedAt = :at${Object.keys(extra)
          .map((k) => `, ${k} = :${k}`)
          .join("")}`,
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":s": to,
          ":at": at,
          ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`:${k}`, v])),
        },
      }),
    );
  for (const n of orders) {
    await doc.send(new PutCommand({ TableName: table, Item: order(n) }));
    // Not an order's META item: publishes nothing.
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `ORDER#ord_${n}`, sk: "PAYMENT", entity: "PAYMENT", status: "AUTHORIZED" },
      }),
    );
    await status(n, "PROCESSING", `2025-01-01T01:0${n}:00.000Z`);
    // A write that changes no status: publishes nothing.
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `ORDER#ord_${n}`, sk: "META" },
        UpdateExpression: "SET updatedAt = :at",
        ExpressionAttributeValues: { ":at": `2025-01-01T01:3${n}:00.000Z` },
      }),
    );
    if (n % 2) await status(n, "FULFILLED", `2025-01-01T02:0${n}:00.000Z`);
    else
      await status(n, "CANCELLED", `2025-01-01T02:0${n}:00.000Z`, {
        cancellation: { error: "PaymentDeclined", cause: "card declined" },
      });
  }
}

async function derivedEventsVia(via: DerivedEventsVia): Promise<Delivered[]> {
  const dir = mkdtempSync(join(tmpdir(), `derived-${via}-`));
  let cloud: LocalCloud | undefined;
  const clients: { destroy(): void }[] = [];
  const logLines: string[] = [];
  try {
    cloud = await startLocalCloud({
      dataDir: dir,
      webPort: 0,
      awsPort: 0,
      prewarm: false,
      hotReload: false,
      derivedEvents: via,
      log: (line) => logLines.push(line),
    });
    const endpoint = cloud.urls.aws;
    const events = new EventBridgeClient({ ...admin, endpoint });
    const sqs = new SQSClient({ ...admin, endpoint });
    const ddb = new DynamoDBClient({ ...admin, endpoint });
    const pipes = new PipesClient({ ...admin, endpoint });
    clients.push(events, sqs, ddb, pipes);
    const d = deployment();

    // Only this test's rule may act on the events: the saga and the consumers
    // would otherwise move the orders on and publish more.
    for (const rule of Object.values(d.rules))
      await events.send(new DisableRuleCommand({ Name: rule.name, EventBusName: rule.busName }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "derived-capture" }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const queueArn = Attributes!.QueueArn!;
    await events.send(
      new PutRuleCommand({
        Name: "derived-capture",
        EventBusName: d.bus.name,
        EventPattern: JSON.stringify({ source: [app.eventSource] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: "derived-capture",
        EventBusName: d.bus.name,
        // The graph holds no policy for this test's queue: delivering as a role
        // the graph does not have is delivering as the local account's administrator.
        Targets: [
          { Id: "capture", Arn: queueArn, RoleArn: "arn:aws:iam::000000000000:role/capture" },
        ],
      }),
    );

    const pipe = ordersPipeOf(d).name;
    const described = await pipes.send(new DescribePipeCommand({ Name: pipe })).then(
      (p) => p.CurrentState,
      (error: Error) => error.name,
    );
    expect(described).toBe(via === "pipe" ? "RUNNING" : "NotFoundException");

    const doc = DynamoDBDocumentClient.from(ddb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    await writeOrders(doc, d.tables.OrdersTable.name, [1, 2, 3]);
    // A last order: its records come after all the others' on the stream, so
    // once its event is in, anything the others publish is in too.
    await writeOrders(doc, d.tables.OrdersTable.name, [9]);

    const delivered: Delivered[] = [];
    const done = () => delivered.some((e) => e.detail.eventId === "ord_9:status:FULFILLED");
    for (let i = 0; i < 120 && !done(); i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of out.Messages ?? []) {
        const event = JSON.parse(m.Body!);
        delivered.push({
          source: event.source,
          detailType: event["detail-type"],
          time: event.time,
          detail: event.detail,
        });
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    if (!done())
      throw new Error(
        `the last order's events never came via ${via} (${delivered.length} did):\n${logLines.join("\n")}`,
      );
    return delivered;
  } finally {
    for (const c of clients) c.destroy();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Events per order, in delivery order (the bus keeps no order across orders). */
const byOrder = (events: Delivered[]) => {
  const out: Record<string, Delivered[]> = {};
  for (const e of events) out[e.detail.orderId] = [...(out[e.detail.orderId] ?? []), e];
  return out;
};

it("the pipe delivers the stream publisher's derived events, in the same order per order", async () => {
  const viaFunction = byOrder(await derivedEventsVia("function"));
  const viaPipe = byOrder(await derivedEventsVia("pipe"));

  // What the publisher sends: placed, then each status change, never twice.
  expect(Object.keys(viaFunction).sort()).toEqual(["ord_1", "ord_2", "ord_3", "ord_9"]);
  for (const [orderId, events] of Object.entries(viaFunction)) {
    const n = Number(orderId.slice(4));
    expect(events.map((e) => [e.source, e.detailType, e.detail.eventId])).toEqual([
      [app.eventSource, detailTypes.OrderPlaced, `${orderId}:placed`],
      [app.eventSource, detailTypes.OrderStatusChanged, `${orderId}:status:PROCESSING`],
      [
        app.eventSource,
        detailTypes.OrderStatusChanged,
        `${orderId}:status:${n % 2 ? "FULFILLED" : "CANCELLED"}`,
      ],
    ]);
    expect(new Set(events.map((e) => e.detail.correlationId))).toEqual(new Set([`corr-${n}`]));
  }
  // The pipe: the very same events (detail, detail-type, source, time), same order.
  expect(viaPipe).toEqual(viaFunction);
}, 600_000);
