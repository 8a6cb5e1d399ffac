// Pipes' input transformation, case by case (the user guide's rules:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html).
import { describe, expect, it } from "vitest";
import { applyTemplate, dynamicParameter, validateTemplate } from "./template";

const ctx = {
  pipeArn: "arn:aws:pipes:us-east-1:000000000000:pipe/p",
  pipeName: "p",
  sourceArn: "arn:aws:sqs:us-east-1:000000000000:src",
  targetArn: "arn:aws:sqs:us-east-1:000000000000:dst",
  ingestionTime: Date.UTC(2026, 0, 2, 3, 4, 5),
};
const stream = {
  eventName: "MODIFY",
  dynamodb: { Keys: { pk: { S: "o-1" } }, NewImage: { qty: { N: "3" }, tags: { L: [] } } },
};
const sqs = { messageId: "m", receiptHandle: "r", body: '{"id": 7, "items": ["a", "b"]}' };

describe("applyTemplate", () => {
  it.each([
    ["a quoted value is text", '{"id": "<$.dynamodb.Keys.pk.S>"}', stream, { id: "o-1" }],
    [
      "an unquoted value is JSON",
      '{"keys": <$.dynamodb.Keys>}',
      stream,
      { keys: { pk: { S: "o-1" } } },
    ],
    [
      "an object inside quotes is its JSON text",
      '{"k": "<$.dynamodb.Keys>"}',
      stream,
      { k: '{"pk":{"S":"o-1"}}' },
    ],
    ["a missing path is null", '{"x": <$.nothing.here>}', stream, { x: null }],
    ["an array index", '{"first": "<$.body.items[0]>"}', sqs, { first: "a" }],
    ["an SQS body holding JSON is addressed as JSON", '{"id": <$.body.id>}', sqs, { id: 7 }],
    [
      "a text template gets the value's text",
      "order <$.dynamodb.Keys.pk.S> changed",
      stream,
      "order o-1 changed",
    ],
    [
      "reserved variables",
      '{"pipe": "<aws.pipes.pipe-name>", "at": "<aws.pipes.event.ingestion-time>", "to": "<aws.pipes.target-arn>"}',
      stream,
      { pipe: "p", at: "2026-01-02T03:04:05.000Z", to: ctx.targetArn },
    ],
    ["the whole event as JSON", '{"event": <aws.pipes.event.json>}', sqs, { event: sqs }],
  ])("%s", (_, template, record, expected) => {
    expect(applyTemplate(template, record, ctx)).toEqual(expected);
  });
});

describe("validateTemplate", () => {
  it("accepts paths and the reserved variables, rejects an unknown variable", () => {
    expect(() => validateTemplate('{"a": <$.b>, "n": "<aws.pipes.pipe-arn>"}', "T")).not.toThrow();
    expect(() => validateTemplate('{"a": "<aws.pipes.nope>"}', "T")).toThrow(
      /unknown variable <aws.pipes.nope>/,
    );
  });
});

describe("dynamicParameter", () => {
  it("reads a value that is wholly a JSON path from the event, leaves anything else static", () => {
    expect(dynamicParameter("$.dynamodb.Keys.pk.S", stream)).toBe("o-1");
    expect(dynamicParameter("$.body.id", sqs)).toBe("7");
    expect(dynamicParameter("$.body.items[1]", sqs)).toBe("b");
    expect(dynamicParameter("orders.pipe", stream)).toBe("orders.pipe");
    expect(dynamicParameter("prefix $.body.id", sqs)).toBe("prefix $.body.id");
    expect(dynamicParameter("$.missing", stream)).toBeUndefined();
    expect(dynamicParameter(undefined, stream)).toBeUndefined();
  });
});
