import { describe, expect, it } from "vitest";
import { parseJsonPath, targetPayload, validateTargetInput } from "./input-transform";
import { backoffDelay, classifyFailure } from "./retry-policy";
import type { Target } from "./types";

const event = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING", tags: { team: "ops" }, n: 3 },
};
const rule = {
  ruleArn: "arn:aws:events:us-east-1:123456789012:rule/r",
  ruleName: "r",
  ingestionTime: "2015-11-11T21:29:55Z",
};
const transformer = (
  InputTemplate: string,
  InputPathsMap: Record<string, string> = {},
): Target => ({
  Id: "t",
  Arn: "arn:aws:sqs:us-east-1:123456789012:q",
  InputTransformer: {
    InputPathsMap: { instance: "$.detail.instance-id", state: "$.detail.state", ...InputPathsMap },
    InputTemplate,
  },
});

describe("InputTransformer (docs examples)", () => {
  it("quotes strings placed outside quotes and keeps them bare inside quotes", () => {
    const out = targetPayload(
      transformer('{"instance": <instance>, "message": "<instance> is in state <state>"}'),
      event,
      rule,
    );
    expect(JSON.parse(out)).toEqual({
      instance: "i-0123456789",
      message: "i-0123456789 is in state RUNNING",
    });
  });

  it("produces a JSON string from a quoted template", () => {
    expect(targetPayload(transformer('"<instance> is in state <state>"'), event, rule)).toBe(
      '"i-0123456789 is in state RUNNING"',
    );
  });

  it("treats a non-JSON template as plain text", () => {
    expect(targetPayload(transformer("Instance <instance> is <state>"), event, rule)).toBe(
      "Instance i-0123456789 is RUNNING",
    );
  });

  it("inserts objects and numbers as JSON, and reserved variables", () => {
    const out = targetPayload(
      transformer(
        '{"tags": <tags>, "n": <n>, "rule": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", "at": "<aws.events.event.ingestion-time>", "original": <aws.events.event>}',
        { tags: "$.detail.tags", n: "$.detail.n" },
      ),
      event,
      rule,
    );
    expect(JSON.parse(out)).toEqual({
      tags: { team: "ops" },
      n: 3,
      rule: "r",
      arn: rule.ruleArn,
      at: rule.ingestionTime,
      original: event,
    });
  });

  it("escapes the whole event placed inside quotes", () => {
    const out = targetPayload(transformer('{"raw": "<aws.events.event>"}'), event, rule);
    expect(JSON.parse(JSON.parse(out).raw)).toEqual(event);
  });

  it("escapes quotes in string values placed inside quotes", () => {
    const quoted = { ...event, detail: { ...event.detail, state: 'say "hi"' } };
    const out = targetPayload(transformer('{"m": "<state>"}'), quoted, rule);
    expect(JSON.parse(out)).toEqual({ m: 'say "hi"' });
  });

  it("uses null for a missing path outside quotes", () => {
    const out = targetPayload(
      transformer('{"x": <missing>}', { missing: "$.detail.nope" }),
      event,
      rule,
    );
    expect(JSON.parse(out)).toEqual({ x: null });
  });

  it("InputPath picks a part of the event; Input is sent as it is", () => {
    const base = { Id: "t", Arn: "arn:aws:sqs:us-east-1:1:q" };
    expect(targetPayload({ ...base, InputPath: "$.detail.tags" }, event, rule)).toBe(
      '{"team":"ops"}',
    );
    expect(targetPayload({ ...base, InputPath: "$.resources[0]" }, event, rule)).toBe(
      '"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"',
    );
    expect(targetPayload({ ...base, Input: '{"a":1}' }, event, rule)).toBe('{"a":1}');
    expect(JSON.parse(targetPayload(base, event, rule))).toEqual(event);
  });
});

describe("target input validation", () => {
  it("parses JSONPath steps", () => {
    expect(parseJsonPath("$.detail['instance id'][0].x")).toEqual([
      "detail",
      "instance id",
      0,
      "x",
    ]);
    expect(parseJsonPath("detail.x")).toBeNull();
  });

  it("rejects reserved variable names, bad paths and invalid Input", () => {
    expect(() =>
      validateTargetInput(transformer("<x>", { "aws.events.event": "$.detail" })),
    ).toThrow(/reserved/);
    expect(() => validateTargetInput(transformer("<x>", { x: "detail.x" }))).toThrow(/JsonPath/);
    expect(() => validateTargetInput({ Id: "t", Arn: "a", Input: "{nope" })).toThrow(/Input/);
  });
});

describe("retry policy", () => {
  it("backs off exponentially with jitter under the ceiling", () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(30, 100, 10_000, () => 1)).toBe(10_000);
  });

  it("classifies missing resources and permissions as permanent", () => {
    expect(classifyFailure({ name: "QueueDoesNotExist", message: "m" })).toMatchObject({
      permanent: true,
      code: "RESOURCE_NOT_FOUND",
    });
    expect(classifyFailure({ code: "AWS.SimpleQueueService.NonExistentQueue" }).permanent).toBe(
      true,
    );
    expect(classifyFailure({ name: "AccessDeniedException" })).toMatchObject({
      permanent: true,
      code: "NO_PERMISSIONS",
    });
    expect(classifyFailure({ name: "ThrottlingException" })).toMatchObject({
      permanent: false,
      code: "THROTTLING",
    });
    expect(classifyFailure(new Error("socket hang up")).permanent).toBe(false);
  });
});
