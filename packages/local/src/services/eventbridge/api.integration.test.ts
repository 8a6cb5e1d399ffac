// The API through the real @aws-sdk/client-eventbridge against the HTTP listener.
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bridge, startBridge } from "../../../test/eventbridge/test-harness";
import { eventFor, invalidPatterns, patternCases } from "./pattern-cases";
import type { TargetDeliverer } from "./types";

const sent: string[] = [];
const recording: TargetDeliverer = {
  sqs: async (_arn, body) => void sent.push(body),
  sns: async (_arn, body) => void sent.push(body),
  stepFunctions: async (_arn, body) => void sent.push(body),
  lambda: async (_arn, body) => void sent.push(body),
};

let bridge: Bridge;
beforeAll(async () => {
  bridge = await startBridge(recording);
});
afterAll(() => bridge.stop());

async function errorOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail");
}

async function raw(action: string, body: string) {
  const res = await fetch(bridge.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSEvents.${action}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("TestEventPattern via client-eventbridge", () => {
  it.each(patternCases)("$name → $match", async (c) => {
    const out = await bridge.client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify(c.pattern),
        Event: JSON.stringify(eventFor(c)),
      }),
    );
    expect(out.Result).toBe(c.match);
  });

  it.each(invalidPatterns)("rejects $pattern", async ({ pattern, reason }) => {
    const err = await errorOf(
      bridge.client.send(
        new TestEventPatternCommand({
          EventPattern: pattern,
          Event: JSON.stringify(eventFor(patternCases[0]!)),
        }),
      ),
    );
    expect(err.name).toBe("InvalidEventPatternException");
    expect(err.message).toMatch(reason);
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it("requires a full event envelope", async () => {
    const err = await errorOf(
      bridge.client.send(
        new TestEventPatternCommand({ EventPattern: '{"source":["a"]}', Event: '{"source":"a"}' }),
      ),
    );
    expect(err.name).toBe("ValidationException");
  });
});

describe("buses, rules and targets", () => {
  it("has the default bus and creates custom ones", async () => {
    const d = await bridge.client.send(new DescribeEventBusCommand({}));
    expect(d.Name).toBe("default");
    expect(d.Arn).toBe("arn:aws:events:us-east-1:012345679012:event-bus/default");
    await bridge.client.send(new CreateEventBusCommand({ Name: "orders" }));
    const err = await errorOf(bridge.client.send(new CreateEventBusCommand({ Name: "orders" })));
    expect(err.name).toBe("ResourceAlreadyExistsException");
    const list = await bridge.client.send(new ListEventBusesCommand({}));
    expect(list.EventBuses?.map((b) => b.Name)).toEqual(["default", "orders"]);
  });

  it("puts, describes, lists, disables and deletes rules", async () => {
    const put = await bridge.client.send(
      new PutRuleCommand({
        Name: "placed",
        EventBusName: "orders",
        EventPattern: '{"source":["shop"]}',
      }),
    );
    expect(put.RuleArn).toBe("arn:aws:events:us-east-1:012345679012:rule/orders/placed");
    await bridge.client.send(new DisableRuleCommand({ Name: "placed", EventBusName: "orders" }));
    const d = await bridge.client.send(
      new DescribeRuleCommand({ Name: "placed", EventBusName: "orders" }),
    );
    expect(d).toMatchObject({
      State: "DISABLED",
      EventPattern: '{"source":["shop"]}',
      EventBusName: "orders",
    });
    const rules = await bridge.client.send(new ListRulesCommand({ EventBusName: "orders" }));
    expect(rules.Rules?.map((r) => r.Name)).toEqual(["placed"]);

    await bridge.client.send(
      new PutTargetsCommand({
        Rule: "placed",
        EventBusName: "orders",
        Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:012345679012:q" }],
      }),
    );
    const blocked = await errorOf(
      bridge.client.send(new DeleteRuleCommand({ Name: "placed", EventBusName: "orders" })),
    );
    expect(blocked.name).toBe("ValidationException");
    const targets = await bridge.client.send(
      new ListTargetsByRuleCommand({ Rule: "placed", EventBusName: "orders" }),
    );
    expect(targets.Targets).toEqual([{ Id: "q", Arn: "arn:aws:sqs:us-east-1:012345679012:q" }]);
    await bridge.client.send(
      new RemoveTargetsCommand({ Rule: "placed", EventBusName: "orders", Ids: ["q"] }),
    );
    await bridge.client.send(new DeleteRuleCommand({ Name: "placed", EventBusName: "orders" }));
    const gone = await errorOf(
      bridge.client.send(new DescribeRuleCommand({ Name: "placed", EventBusName: "orders" })),
    );
    expect(gone.name).toBe("ResourceNotFoundException");
    expect(gone.message).toBe("Rule placed does not exist on EventBus orders.");
  });

  it("rejects an invalid pattern in PutRule and creates nothing", async () => {
    const err = await errorOf(
      bridge.client.send(
        new PutRuleCommand({ Name: "bad", EventPattern: '{"source":[{"numeric":[">"]}]}' }),
      ),
    );
    expect(err.name).toBe("InvalidEventPatternException");
    const d = await errorOf(bridge.client.send(new DescribeRuleCommand({ Name: "bad" })));
    expect(d.name).toBe("ResourceNotFoundException");
  });

  it("rejects targets on a missing rule and conflicting input settings", async () => {
    const missing = await errorOf(
      bridge.client.send(
        new PutTargetsCommand({
          Rule: "nope",
          Targets: [{ Id: "a", Arn: "arn:aws:sqs:us-east-1:1:q" }],
        }),
      ),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
    await bridge.client.send(new PutRuleCommand({ Name: "t", EventPattern: '{"source":["x"]}' }));
    const both = await errorOf(
      bridge.client.send(
        new PutTargetsCommand({
          Rule: "t",
          Targets: [
            { Id: "a", Arn: "arn:aws:sqs:us-east-1:1:q", Input: "{}", InputPath: "$.detail" },
          ],
        }),
      ),
    );
    expect(both.name).toBe("ValidationException");
    const list = await bridge.client.send(new ListTargetsByRuleCommand({ Rule: "t" }));
    expect(list.Targets).toEqual([]);
  });

  it("rejects a missing bus and an archive on a missing bus", async () => {
    const rule = await errorOf(
      bridge.client.send(
        new PutRuleCommand({ Name: "x", EventBusName: "ghost", EventPattern: '{"a":["b"]}' }),
      ),
    );
    expect(rule.name).toBe("ResourceNotFoundException");
    const archive = await errorOf(
      bridge.client.send(
        new CreateArchiveCommand({
          ArchiveName: "a",
          EventSourceArn: "arn:aws:events:us-east-1:012345679012:event-bus/ghost",
        }),
      ),
    );
    expect(archive.name).toBe("ResourceNotFoundException");
  });
});

describe("bad input changes nothing", () => {
  it("answers malformed JSON with SerializationException", async () => {
    const out = await raw("PutRule", '{"Name": "x", ');
    expect(out.status).toBe(400);
    expect(out.body.__type).toBe("SerializationException");
    expect((await raw("DescribeRule", '{"Name":"x"}')).body.__type).toBe(
      "ResourceNotFoundException",
    );
  });

  it("answers an unknown action with UnknownOperationException", async () => {
    const out = await raw("LaunchRockets", "{}");
    expect(out.status).toBe(400);
    expect(out.body.__type).toBe("UnknownOperationException");
  });

  it("answers a schema violation with ValidationException", async () => {
    const out = await raw("PutRule", '{"Name": "has spaces", "EventPattern": "{\\"a\\":[1]}"}');
    expect(out.body.__type).toBe("ValidationException");
    expect(out.body.message).toMatch(/validation error detected: Value at 'name'/);
  });

  it("rejects 11 entries and an oversized entry without delivering any", async () => {
    await bridge.client.send(
      new PutRuleCommand({ Name: "all", EventPattern: '{"source":["bulk"]}' }),
    );
    await bridge.client.send(
      new PutTargetsCommand({
        Rule: "all",
        Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:012345679012:bulk" }],
      }),
    );
    const entry = { Source: "bulk", DetailType: "t", Detail: "{}" };
    const eleven = await errorOf(
      bridge.client.send(
        new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) }),
      ),
    );
    expect(eleven.name).toBe("ValidationException");
    const big = { ...entry, Detail: JSON.stringify({ blob: "x".repeat(256 * 1024) }) };
    const oversized = await errorOf(
      bridge.client.send(new PutEventsCommand({ Entries: [entry, big] })),
    );
    expect(oversized.name).toBe("ValidationException");
    expect(oversized.message).toBe("Total size of the entries in the request is over the limit.");
    await bridge.eb.idle();
    expect(sent).toEqual([]);
  });

  it("fails only the bad entries of a PutEvents call", async () => {
    const out = await bridge.client.send(
      new PutEventsCommand({
        Entries: [
          { Source: "bulk", DetailType: "t", Detail: '{"n":1}' },
          { Source: "bulk", DetailType: "t", Detail: "{not json" },
          { DetailType: "t", Detail: "{}" },
          { Source: "bulk", DetailType: "t", Detail: "{}", EventBusName: "ghost" },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.[1]).toMatchObject({
      ErrorCode: "MalformedDetail",
      ErrorMessage: "Detail is malformed.",
    });
    expect(out.Entries?.[2]?.ErrorCode).toBe("InvalidArgument");
    expect(out.Entries?.[3]?.ErrorCode).toBe("ResourceNotFoundException");
    await bridge.eb.idle();
    expect(sent.map((s) => JSON.parse(s).detail)).toEqual([{ n: 1 }]);
  });
});
