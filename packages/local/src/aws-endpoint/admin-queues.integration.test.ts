import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type QueueName, queues as topologyQueues } from "@orders/core/topology";
import { queueAgeFromCloudWatch } from "@orders/functions/admin/adapters/cloudwatch-metrics";
import { sqsQueues } from "@orders/functions/admin/adapters/sqs-queues";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestEndpoint, type TestEndpoint } from "../../test/aws-endpoint";

// The admin API's queues adapter against the local AWS endpoint (fauxqs behind
// it, as the local cloud runs it), through the AWS APIs only: peeking must not
// take messages, a selected redrive must move exactly the chosen ones, "redrive
// all" is SQS's StartMessageMoveTask, and a work queue's age is CloudWatch's
// GetMetricData, whose failure the console sees rather than "n/a".

let aws: TestEndpoint;
let sqs: SQSClient;
let cloudWatch: CloudWatchClient;
const created = new Map<QueueName, { url: string; arn: string }>();
const putEvents: unknown[] = [];
let run = 0;

const eventBridge = {
  send: async (command: { input: unknown }) => {
    putEvents.push(command.input);
    return { FailedEntryCount: 0, Entries: [{ EventId: "e" }] };
  },
} as unknown as EventBridgeClient;

const adapter = (workQueueAge = queueAgeFromCloudWatch(cloudWatch)) =>
  sqsQueues({
    sqs,
    eventBridge,
    queue: (name) => created.get(name)!,
    busName: () => "orders-bus",
    workQueueAge,
  });

const event = (orderId: string) =>
  JSON.stringify({
    source: "orders.api",
    "detail-type": "OrderPlaced.v1",
    detail: { orderId, correlationId: `c-${orderId}` },
  });

const send = (name: QueueName, body: string) =>
  sqs.send(new SendMessageCommand({ QueueUrl: created.get(name)!.url, MessageBody: body }));

const drain = async (name: QueueName) => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: created.get(name)!.url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 30,
    }),
  );
  return Messages;
};

beforeAll(async () => {
  aws = await startTestEndpoint({ functionNames: [] });
  sqs = new SQSClient(aws.client);
  cloudWatch = new CloudWatchClient(aws.client);
});
afterAll(async () => {
  sqs?.destroy();
  cloudWatch?.destroy();
  await aws?.close();
});
beforeEach(() => {
  // Fresh queues per test: names carry a run number.
  run++;
  putEvents.length = 0;
  for (const name of Object.keys(topologyQueues) as QueueName[]) {
    const q = aws.sqsSns.server.createQueue(`${name}-${run}`);
    created.set(name, { url: `${aws.url}/000000000000/${q.queueName}`, arn: q.queueArn });
  }
});

describe("the admin queues adapter against the local AWS endpoint", () => {
  it("reports every topology queue's depth and oldest message age (CloudWatch for a work queue)", async () => {
    await send("PaymentQueueDlq", event("ord_a"));
    await send("PaymentQueue", event("ord_b"));
    const depths = await adapter().depths();
    expect(depths.map((d) => d.name).sort()).toEqual(Object.keys(topologyQueues).sort());
    expect(depths.find((d) => d.name === "PaymentQueue")).toMatchObject({
      // The queue's own name, as the URL it is linked with says, beside the topology's.
      physicalName: `PaymentQueue-${run}`,
      visible: 1,
      dlq: "PaymentQueueDlq",
      oldestAgeSeconds: expect.any(Number),
    });
    expect(depths.find((d) => d.name === "EmailQueue")).toMatchObject({ oldestAgeSeconds: 0 });
    expect(depths.every((d) => d.oldestAgeError === undefined)).toBe(true);
    expect(depths.find((d) => d.name === "PaymentQueueDlq")).toMatchObject({
      visible: 1,
      source: "PaymentQueue",
      redrive: "move-to-source",
    });
    expect(
      depths.find((d) => d.name === "PaymentQueueDlq")!.oldestAgeSeconds,
    ).toBeGreaterThanOrEqual(0);
    expect(depths.find((d) => d.name === "SagaRuleDlq")).toMatchObject({ redrive: "put-events" });
  });

  it("peeking leaves the messages where they are", async () => {
    await send("PaymentQueueDlq", event("ord_a"));
    await send("PaymentQueueDlq", event("ord_b"));
    const first = await adapter().peek("PaymentQueueDlq", 10);
    const second = await adapter().peek("PaymentQueueDlq", 10);
    expect(first.map((m) => m.orderId).sort()).toEqual(["ord_a", "ord_b"]);
    expect(second.map((m) => m.messageId).sort()).toEqual(first.map((m) => m.messageId).sort());
    // Still there for anyone who receives. (fauxqs only returns a visibility-0
    // message to the visible count at its next receive, so GetQueueAttributes
    // right after a peek shows it in flight; AWS does not.)
    expect((await drain("PaymentQueueDlq")).length).toBe(2);
  });

  it("a selected redrive moves exactly the chosen messages back to the source queue", async () => {
    for (const id of ["ord_a", "ord_b", "ord_c"]) await send("PaymentQueueDlq", event(id));
    const letters = await adapter().peek("PaymentQueueDlq", 10);
    const chosen = letters.find((m) => m.orderId === "ord_b")!;
    const result = await adapter().redriveSelected("PaymentQueueDlq", [
      chosen.messageId,
      "no-such-id",
    ]);
    expect(result).toMatchObject({
      mode: "move-by-copy",
      moved: 1,
      orders: [{ orderId: "ord_b", correlationId: "c-ord_b" }],
    });
    expect(result.failed).toEqual([
      { messageId: "no-such-id", reason: expect.stringContaining("not in the DLQ") },
    ]);
    const moved = await drain("PaymentQueue");
    expect(moved.map((m) => m.Body)).toEqual([event("ord_b")]);
    // The others are back in view within a second, not hidden for the visibility timeout
    await expect
      .poll(
        async () => (await adapter().peek("PaymentQueueDlq", 10)).map((m) => m.orderId).sort(),
        {
          timeout: 3_000,
          interval: 250,
        },
      )
      .toEqual(["ord_a", "ord_c"]);
  });

  it("a failed CloudWatch call is the queue's error, not an unknown age", async () => {
    // Nothing listens on port 9: the call fails as a denied or broken one would.
    const unreachable = new CloudWatchClient({
      ...aws.client,
      endpoint: "http://127.0.0.1:9",
      maxAttempts: 1,
    });
    const depths = await adapter(queueAgeFromCloudWatch(unreachable)).depths();
    unreachable.destroy();
    const payment = depths.find((d) => d.name === "PaymentQueue")!;
    expect(payment.oldestAgeSeconds).toBeNull();
    expect(payment.oldestAgeError).toMatch(/ECONNREFUSED|connect/);
    // A DLQ's age needs no CloudWatch.
    expect(depths.find((d) => d.name === "PaymentQueueDlq")!.oldestAgeError).toBeUndefined();
  });

  it("redrive all is SQS's move task", async () => {
    for (const id of ["ord_a", "ord_b"]) await send("EmailQueueDlq", event(id));
    const result = await adapter().redriveAll("EmailQueueDlq");
    expect(result).toMatchObject({ mode: "move-task", moved: 2 });
    expect(result.orders.map((o) => o.orderId).sort()).toEqual(["ord_a", "ord_b"]);
    await aws.endpoint.idle();
    expect((await drain("EmailQueue")).length).toBe(2);
    expect((await adapter().depths()).find((d) => d.name === "EmailQueueDlq")!.visible).toBe(0);
  });

  it("a rule DLQ's events go back on the bus as the original events", async () => {
    await send("SagaRuleDlq", event("ord_z"));
    const result = await adapter().redriveAll("SagaRuleDlq");
    expect(result).toMatchObject({ mode: "put-events", moved: 1, orders: [{ orderId: "ord_z" }] });
    expect(putEvents).toEqual([
      {
        Entries: [
          {
            Source: "orders.api",
            DetailType: "OrderPlaced.v1",
            Detail: JSON.stringify({ orderId: "ord_z", correlationId: "c-ord_z" }),
            EventBusName: "orders-bus",
          },
        ],
      },
    ]);
    expect((await adapter().peek("SagaRuleDlq", 10)).length).toBe(0);
  });
});
