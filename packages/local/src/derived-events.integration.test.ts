// The outbox's two ways to the bus (topology `derivedEvents`): the same order
// writes, once through the StreamPublisher's mapping and once through the
// orders pipe (its filter, PipeEnrichment, the bus target reading each event's
// detail-type, source and time), each on a whole local cloud with IAM enforced,
// deliver the same derived events: same detail, correlation ids, detail-types,
// sources and times for each order, nothing missing, nothing extra.
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
import { awsCli } from "../test/aws-cli";
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
    if (via === "pipe") {
      // Debian's CLI sees it as deployed: the graph's role and enrichment, the bus.
      const cli = awsCli(() => endpoint, REGION);
      clients.push({ destroy: () => cli.close() });
      expect(await cli.json("pipes", "describe-pipe", "--name", pipe)).toMatchObject({
        CurrentState: "RUNNING",
        RoleArn: ordersPipeOf(d).roleArn(),
        Enrichment: d.functions.PipeEnrichment.arn,
        Target: d.bus.arn,
      });
    }

    const doc = DynamoDBDocumentClient.from(ddb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    await writeOrders(doc, d.tables.OrdersTable.name, [1, 2, 3]);
    const delivered: Delivered[] = [];
    const receiveUntil = async (done: () => boolean, what: string) => {
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
          `${what} never came via ${via} (${delivered.length} did):\n${logLines.join("\n")}`,
        );
    };
    const has = (eventId: string) => delivered.some((e) => e.detail.eventId === eventId);
    await receiveUntil(
      () => [1, 2, 3].every((n) => has(`ord_${n}:status:${n % 2 ? "FULFILLED" : "CANCELLED"}`)),
      "the orders' last events",
    );
    // Then one more order, written once the others' events are in: anything
    // extra the others' records publish is out before its record is read.
    await writeOrders(doc, d.tables.OrdersTable.name, [9]);
    await receiveUntil(() => has("ord_9:status:FULFILLED"), "the last order's events");
    return delivered;
  } finally {
    for (const c of clients) c.destroy();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Events per order, in the order of their time (the order's own change times,
 * so the order they were published in): EventBridge does not promise to
 * deliver a bus's events to a target in order, and retries may reorder them.
 */
const byOrder = (events: Delivered[]) => {
  const out: Record<string, Delivered[]> = {};
  for (const e of events) out[e.detail.orderId] = [...(out[e.detail.orderId] ?? []), e];
  for (const list of Object.values(out)) list.sort((a, b) => a.time.localeCompare(b.time));
  return out;
};

it("the pipe delivers the stream publisher's derived events, the same for each order", async () => {
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
