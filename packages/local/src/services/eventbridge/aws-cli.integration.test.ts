// Wire-protocol conformance: the real AWS CLI (Debian's awscli, a botocore client that shares
// no code with our SDK-based tests) drives the local EventBridge over HTTP. Buses, rules,
// targets, PutEvents delivered to an SQS queue (fauxqs), TestEventPattern, and AWS's error
// shape for an invalid pattern, all as `aws events …` parses them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_CLI, type AwsCli, awsCli } from "../../../test/aws-cli";
import {
  ACCOUNT,
  type Bridge,
  REGION,
  type Sqs,
  startBridge,
  startSqs,
} from "../../../test/eventbridge/test-harness";
import { eventFor, sampleEvent, specialCharacterCases } from "./pattern-cases";

let sqs: Sqs;
let bridge: Bridge;
let cli: AwsCli;
let queue: { url: string; arn: string };

beforeAll(async () => {
  cli = awsCli(() => bridge.endpoint);
  sqs = await startSqs();
  bridge = await startBridge(sqs.deliverer);
  queue = await sqs.createQueue("cli-target");
});

afterAll(async () => {
  await bridge?.stop();
  await sqs?.stop();
  cli?.close();
});

interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
}

const BUS = "cli-orders";
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;
const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS}/big-orders`;
const PATTERN = JSON.stringify({
  source: ["shop"],
  "detail-type": ["OrderPlaced"],
  detail: { total: [{ numeric: [">", 100] }] },
});

// The tests build on each other, in order: bus → rule → target → events.
// Each CLI call starts a Python process: seconds apiece on a loaded 2-core machine.
describe("aws events (AWS CLI against the local EventBridge)", { timeout: 120_000 }, () => {
  it(`runs the AWS CLI v2 at ${AWS_CLI}`, async () => {
    const out = await cli.run("--version");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^aws-cli\/2\./);
  });

  it("create-event-bus and list-event-buses", async () => {
    const created = await cli.json<{ EventBusArn: string }>(
      "events",
      "create-event-bus",
      "--name",
      BUS,
    );
    expect(created.EventBusArn).toBe(BUS_ARN);
    const listed = await cli.json<{ EventBuses: Array<{ Name: string; Arn: string }> }>(
      "events",
      "list-event-buses",
    );
    const buses = listed.EventBuses;
    expect(buses.map((b) => b.Name).sort()).toEqual([BUS, "default"]);
    expect(buses.find((b) => b.Name === BUS)).toMatchObject({ Name: BUS, Arn: BUS_ARN });
    expect(buses.find((b) => b.Name === "default")?.Arn).toBe(
      `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`,
    );
  });

  it("put-rule with an event pattern, list-rules and describe-rule", async () => {
    const put = await cli.json<{ RuleArn: string }>(
      "events",
      "put-rule",
      "--name",
      "big-orders",
      "--event-bus-name",
      BUS,
      "--event-pattern",
      PATTERN,
      "--description",
      "orders over 100",
    );
    expect(put.RuleArn).toBe(RULE_ARN);

    const listed = await cli.json<{ Rules: Array<Record<string, string>> }>(
      "events",
      "list-rules",
      "--event-bus-name",
      BUS,
    );
    expect(listed.Rules).toHaveLength(1);
    expect(listed.Rules[0]).toMatchObject({
      Name: "big-orders",
      Arn: RULE_ARN,
      State: "ENABLED",
      EventBusName: BUS,
      Description: "orders over 100",
    });
    expect(JSON.parse(listed.Rules[0]?.EventPattern as string)).toEqual(JSON.parse(PATTERN));

    const described = await cli.json<Record<string, string>>(
      "events",
      "describe-rule",
      "--name",
      "big-orders",
      "--event-bus-name",
      BUS,
    );
    expect(described).toMatchObject({
      Name: "big-orders",
      Arn: RULE_ARN,
      State: "ENABLED",
      EventBusName: BUS,
    });
    expect(JSON.parse(described.EventPattern as string)).toEqual(JSON.parse(PATTERN));
  });

  it("put-targets (shorthand syntax) and list-targets-by-rule", async () => {
    const put = await cli.json(
      "events",
      "put-targets",
      "--rule",
      "big-orders",
      "--event-bus-name",
      BUS,
      "--targets",
      `Id=queue,Arn=${queue.arn}`,
    );
    expect(put).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    const listed = await cli.json(
      "events",
      "list-targets-by-rule",
      "--rule",
      "big-orders",
      "--event-bus-name",
      BUS,
    );
    expect(listed.Targets).toEqual([{ Id: "queue", Arn: queue.arn }]);
  });

  it("put-events: FailedEntryCount 0, and only the matching event reaches the SQS target", async () => {
    const entries = [
      {
        EventBusName: BUS,
        Source: "shop",
        DetailType: "OrderPlaced",
        Detail: JSON.stringify({ orderId: "big", total: 150 }),
        Resources: ["arn:aws:shop:order/big"],
        Time: "2024-01-02T03:04:05Z",
      },
      {
        EventBusName: BUS,
        Source: "shop",
        DetailType: "OrderPlaced",
        Detail: JSON.stringify({ orderId: "small", total: 50 }),
      },
    ];
    const out = await cli.json<PutEventsOutput>(
      "events",
      "put-events",
      "--entries",
      JSON.stringify(entries),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(2);
    for (const e of out.Entries) expect(e.EventId).toMatch(/^[0-9a-f-]{36}$/);

    await bridge.eb.idle();
    const messages = await sqs.drain(queue.url);
    expect(messages).toHaveLength(1);
    const delivered = JSON.parse(messages[0]?.Body as string);
    expect(delivered).toMatchObject({
      version: "0",
      id: out.Entries[0]?.EventId,
      "detail-type": "OrderPlaced",
      source: "shop",
      account: ACCOUNT,
      region: REGION,
      // The CLI sent Time as a JSON 1.1 timestamp (epoch seconds).
      time: "2024-01-02T03:04:05Z",
      resources: ["arn:aws:shop:order/big"],
      detail: { orderId: "big", total: 150 },
    });
  });

  it("put-events reports a bad entry per entry, not as a call failure", async () => {
    const out = await cli.json<PutEventsOutput>(
      "events",
      "put-events",
      "--entries",
      JSON.stringify([
        { EventBusName: "no-such-bus", Source: "shop", DetailType: "OrderPlaced", Detail: "{}" },
      ]),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries[0]?.ErrorCode).toBe("ResourceNotFoundException");
  });

  it("test-event-pattern: true for a matching event, false otherwise", async () => {
    const event = (total: number) =>
      JSON.stringify({
        ...sampleEvent,
        source: "shop",
        "detail-type": "OrderPlaced",
        detail: { total },
      });
    const yes = await cli.json(
      "events",
      "test-event-pattern",
      "--event-pattern",
      PATTERN,
      "--event",
      event(101),
    );
    expect(yes).toEqual({ Result: true });
    const no = await cli.json(
      "events",
      "test-event-pattern",
      "--event-pattern",
      PATTERN,
      "--event",
      event(100),
    );
    expect(no).toEqual({ Result: false });
  });

  it("an invalid pattern exits non-zero with InvalidEventPatternException, creating nothing", async () => {
    const bad = '{"source":[{"numeric":[">"]}]}';
    const put = await cli.run(
      "events",
      "put-rule",
      "--name",
      "bad-pattern",
      "--event-pattern",
      bad,
    );
    expect(put.code).not.toBe(0);
    expect(put.stderr).toMatch(
      /An error occurred \(InvalidEventPatternException\) when calling the PutRule operation/,
    );
    const tested = await cli.run(
      "events",
      "test-event-pattern",
      "--event-pattern",
      bad,
      "--event",
      JSON.stringify(sampleEvent),
    );
    expect(tested.code).not.toBe(0);
    expect(tested.stderr).toMatch(/\(InvalidEventPatternException\)/);
    const described = await cli.run("events", "describe-rule", "--name", "bad-pattern");
    expect(described.code).not.toBe(0);
    expect(described.stderr).toMatch(
      /\(ResourceNotFoundException\) when calling the DescribeRule operation.*: Rule bad-pattern does not exist on EventBus default\./,
    );
  });
});

// A representative subset of the regex-special-character table, through botocore's wire format.
const cliCases = specialCharacterCases.filter((c) =>
  [
    "wildcard ARN with a region (us-east-1)",
    "wildcard S3 object ARN: the dot is literal",
    "wildcard: escaped backslash before a star (literal \\ then any run)",
    "anything-but prefix us-: a US region",
  ].includes(c.name),
);

describe("aws events test-event-pattern with regex-special characters", {
  timeout: 120_000,
}, () => {
  it("the subset is the one named", () => {
    expect(cliCases).toHaveLength(4);
  });

  it.each(cliCases)("$name → $match ($doc)", async (c) => {
    const out = await cli.json(
      "events",
      "test-event-pattern",
      "--event-pattern",
      JSON.stringify(c.pattern),
      "--event",
      JSON.stringify(eventFor(c)),
    );
    expect(out).toEqual({ Result: c.match });
  });
});
