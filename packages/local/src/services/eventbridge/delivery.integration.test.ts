// Real delivery: PutEvents → rule → SQS (fauxqs) with the SDK deliverer; DLQ attributes;
// retries; input transformation; durability of pending deliveries across a restart.
import {
  CreateEventBusCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bridge,
  eventually,
  type Sqs,
  startBridge,
  startSqs,
} from "../../../test/eventbridge/test-harness";
import { eventFor, patternCases, sampleEvent } from "./pattern-cases";
import type { TargetDeliverer } from "./types";

let sqs: Sqs;
beforeAll(async () => {
  sqs = await startSqs();
});
afterAll(() => sqs.stop());

// The service sets id, account and region itself (the harness uses the sample event's account
// and region), so cases that vary those fields only run through TestEventPattern.
const fixedByService = ["id", "account", "region", "version"];
const deliverable = patternCases.filter(
  (c) => !("id" in c.pattern) && !fixedByService.some((f) => f in c.event),
);

describe("pattern table through real delivery", () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge(sqs.deliverer);
  });
  afterAll(() => bridge.stop());

  it("delivers exactly the events whose rule matches", async () => {
    const queue = await sqs.createQueue("pattern-table");
    // One bus per case, so each event meets only its own case's rule.
    for (const [i, c] of deliverable.entries()) {
      await bridge.client.send(new CreateEventBusCommand({ Name: `case-${i}` }));
      await bridge.client.send(
        new PutRuleCommand({
          Name: "r",
          EventBusName: `case-${i}`,
          EventPattern: JSON.stringify(c.pattern),
        }),
      );
      await bridge.client.send(
        new PutTargetsCommand({
          Rule: "r",
          EventBusName: `case-${i}`,
          Targets: [
            {
              Id: "q",
              Arn: queue.arn,
              InputTransformer: {
                InputPathsMap: { source: "$.source" },
                InputTemplate: `{"case": ${i}, "source": <source>, "rule": "<aws.events.rule-name>"}`,
              },
            },
          ],
        }),
      );
    }
    for (const [i, c] of deliverable.entries()) {
      const event = eventFor(c);
      const out = await bridge.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: `case-${i}`,
              Source: event.source as string,
              DetailType: event["detail-type"] as string,
              Detail: JSON.stringify(event.detail),
              Resources: event.resources as string[],
              Time: new Date(sampleEvent.time),
            },
          ],
        }),
      );
      expect(out.FailedEntryCount).toBe(0);
    }
    await bridge.eb.idle();
    const bodies = (await sqs.drain(queue.url)).map((m) => JSON.parse(m.Body!));
    const delivered = bodies.map((b) => b.case).sort((a, b) => a - b);
    const expected = deliverable.flatMap((c, i) => (c.match ? [i] : []));
    expect(delivered).toEqual(expected);
    expect(bodies.every((b) => b.rule === "r" && typeof b.source === "string")).toBe(true);
  });
});

describe("delivery semantics", () => {
  it("delivers the whole event JSON by default, InputPath and constant Input", async () => {
    const bridge = await startBridge(sqs.deliverer);
    try {
      const whole = await sqs.createQueue("whole");
      const path = await sqs.createQueue("path");
      const constant = await sqs.createQueue("constant");
      await bridge.client.send(
        new PutRuleCommand({ Name: "r", EventPattern: '{"source":["shop"]}' }),
      );
      await bridge.client.send(
        new PutTargetsCommand({
          Rule: "r",
          Targets: [
            { Id: "whole", Arn: whole.arn },
            { Id: "path", Arn: path.arn, InputPath: "$.detail.order" },
            { Id: "constant", Arn: constant.arn, Input: '{"fixed":true}' },
          ],
        }),
      );
      const out = await bridge.client.send(
        new PutEventsCommand({
          Entries: [
            { Source: "shop", DetailType: "OrderPlaced.v1", Detail: '{"order":{"id":"o-1"}}' },
          ],
        }),
      );
      await bridge.eb.idle();
      const [event] = (await sqs.drain(whole.url)).map((m) => JSON.parse(m.Body!));
      expect(event).toMatchObject({
        version: "0",
        id: out.Entries![0]!.EventId,
        "detail-type": "OrderPlaced.v1",
        source: "shop",
        account: "012345679012",
        region: "us-east-1",
        resources: [],
        detail: { order: { id: "o-1" } },
      });
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect((await sqs.drain(path.url)).map((m) => m.Body)).toEqual(['{"id":"o-1"}']);
      expect((await sqs.drain(constant.url)).map((m) => m.Body)).toEqual(['{"fixed":true}']);
    } finally {
      await bridge.stop();
    }
  });

  it("sends an event for a deleted queue to the rule DLQ with the error attributes", async () => {
    const bridge = await startBridge(sqs.deliverer);
    try {
      const gone = await sqs.createQueue("deleted-target");
      const dlq = await sqs.createQueue("rule-dlq");
      await sqs.client.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
      const { RuleArn } = await bridge.client.send(
        new PutRuleCommand({ Name: "to-dlq", EventPattern: '{"source":["dlq-test"]}' }),
      );
      await bridge.client.send(
        new PutTargetsCommand({
          Rule: "to-dlq",
          Targets: [{ Id: "t", Arn: gone.arn, DeadLetterConfig: { Arn: dlq.arn } }],
        }),
      );
      const out = await bridge.client.send(
        new PutEventsCommand({
          Entries: [{ Source: "dlq-test", DetailType: "x", Detail: '{"n":1}' }],
        }),
      );
      await bridge.eb.idle();
      const [message, ...rest] = await sqs.drain(dlq.url);
      expect(rest).toEqual([]);
      const body = JSON.parse(message!.Body!);
      expect(body.id).toBe(out.Entries![0]!.EventId);
      expect(body.detail).toEqual({ n: 1 });
      const attrs = Object.fromEntries(
        Object.entries(message!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
      );
      expect(attrs).toMatchObject({
        RULE_ARN: RuleArn,
        TARGET_ARN: gone.arn,
        ERROR_CODE: "RESOURCE_NOT_FOUND",
        RETRY_ATTEMPTS: "0",
      });
      expect(attrs.ERROR_MESSAGE).toBeTruthy();
      // A missing queue is permanent: no retries, so no exhausted condition.
      expect(attrs.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
    } finally {
      await bridge.stop();
    }
  });

  it("retries a transient failure until it succeeds", async () => {
    let failures = 0;
    const flaky: TargetDeliverer = {
      ...sqs.deliverer,
      async sqs(arn, body, attrs) {
        if (failures < 2) {
          failures++;
          throw Object.assign(new Error("try again"), { name: "ServiceUnavailable" });
        }
        return sqs.deliverer.sqs(arn, body, attrs);
      },
    };
    const bridge = await startBridge(flaky);
    try {
      const queue = await sqs.createQueue("flaky");
      await bridge.client.send(
        new PutRuleCommand({ Name: "r", EventPattern: '{"source":["flaky"]}' }),
      );
      await bridge.client.send(
        new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "q", Arn: queue.arn }] }),
      );
      await bridge.client.send(
        new PutEventsCommand({ Entries: [{ Source: "flaky", DetailType: "x", Detail: "{}" }] }),
      );
      await bridge.eb.idle();
      expect(failures).toBe(2);
      const messages = await sqs.drain(queue.url);
      expect(messages.map((m) => JSON.parse(m.Body!).source)).toEqual(["flaky"]);
    } finally {
      await bridge.stop();
    }
  });

  it("dead-letters after MaximumRetryAttempts with the exhausted condition", async () => {
    const queue = await sqs.createQueue("never");
    const dlq = await sqs.createQueue("exhausted-dlq");
    let attempts = 0;
    const failing: TargetDeliverer = {
      ...sqs.deliverer,
      async sqs(arn, body, source, attrs) {
        if (arn === queue.arn) {
          attempts++;
          throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
        }
        return sqs.deliverer.sqs(arn, body, source, attrs);
      },
    };
    const bridge = await startBridge(failing);
    try {
      await bridge.client.send(
        new PutRuleCommand({ Name: "r", EventPattern: '{"source":["busy"]}' }),
      );
      await bridge.client.send(
        new PutTargetsCommand({
          Rule: "r",
          Targets: [
            {
              Id: "q",
              Arn: queue.arn,
              RetryPolicy: { MaximumRetryAttempts: 2 },
              DeadLetterConfig: { Arn: dlq.arn },
            },
          ],
        }),
      );
      await bridge.client.send(
        new PutEventsCommand({ Entries: [{ Source: "busy", DetailType: "x", Detail: "{}" }] }),
      );
      await bridge.eb.idle();
      expect(attempts).toBe(3);
      const [message] = await sqs.drain(dlq.url);
      const attrs = Object.fromEntries(
        Object.entries(message!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
      );
      expect(attrs).toMatchObject({
        ERROR_CODE: "THROTTLING",
        ERROR_MESSAGE: "throttled",
        EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
        RETRY_ATTEMPTS: "2",
      });
    } finally {
      await bridge.stop();
    }
  });

  it("keeps accepted events across a restart and delivers them afterwards", async () => {
    // The first instance's target hangs: nothing is delivered before it closes.
    const hung: Array<(err: Error) => void> = [];
    const hanging: TargetDeliverer = {
      ...sqs.deliverer,
      sqs: () => new Promise((_, reject) => hung.push(reject)),
    };
    const bridge = await startBridge(hanging);
    try {
      const queue = await sqs.createQueue("durable");
      await bridge.client.send(
        new PutRuleCommand({ Name: "r", EventPattern: '{"source":["durable"]}' }),
      );
      await bridge.client.send(
        new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "q", Arn: queue.arn }] }),
      );
      const out = await bridge.client.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 5 }, (_, n) => ({
            Source: "durable",
            DetailType: "x",
            Detail: JSON.stringify({ n }),
          })),
        }),
      );
      await eventually(async () => (hung.length === 5 ? true : undefined));
      const closing = bridge.eb.close();
      for (const reject of hung) reject(new Error("process died"));
      await closing;

      await bridge.restart({ deliver: sqs.deliverer });
      await bridge.eb.idle();
      const ids = (await sqs.drain(queue.url)).map((m) => JSON.parse(m.Body!).id).sort();
      expect(ids).toEqual(out.Entries!.map((e) => e.EventId).sort());
    } finally {
      await bridge.stop();
    }
  });
});
