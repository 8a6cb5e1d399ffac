import { describe, expect, it } from "vitest";
import { describeDeadLetter, eventForBus } from "./dead-letter";

const event = {
  version: "0",
  id: "e1",
  source: "orders.api",
  "detail-type": "OrderPlaced.v1",
  detail: { orderId: "ord_1", correlationId: "corr-1" },
};

describe("describeDeadLetter", () => {
  it("reads an EventBridge rule-DLQ message's error attributes", () => {
    const letter = describeDeadLetter({
      MessageId: "m1",
      Body: JSON.stringify(event),
      Attributes: { SentTimestamp: "1735689600000", ApproximateReceiveCount: "2" },
      MessageAttributes: {
        ERROR_CODE: { StringValue: "SDK_CLIENT_ERROR", DataType: "String" },
        ERROR_MESSAGE: { StringValue: "Unable to invoke", DataType: "String" },
        RULE_ARN: {
          StringValue: "arn:aws:events:::rule/Bus/OrderPlacedToSaga",
          DataType: "String",
        },
        TARGET_ARN: { StringValue: "arn:aws:states:::stateMachine:Saga", DataType: "String" },
        RETRY_ATTEMPTS: { StringValue: "185", DataType: "String" },
      },
    });
    expect(letter).toMatchObject({
      messageId: "m1",
      sentAt: "2025-01-01T00:00:00.000Z",
      receiveCount: 2,
      orderId: "ord_1",
      correlationId: "corr-1",
      detailType: "OrderPlaced.v1",
      error: { code: "SDK_CLIENT_ERROR", message: "Unable to invoke", retryAttempts: 185 },
    });
  });

  it("unwraps an SNS envelope and reads an approval request", () => {
    const sns = describeDeadLetter({
      MessageId: "m2",
      Body: JSON.stringify({ Type: "Notification", Message: JSON.stringify(event) }),
    });
    expect(sns).toMatchObject({
      orderId: "ord_1",
      detailType: "OrderPlaced.v1",
      error: { code: null },
    });
    const approval = describeDeadLetter({
      MessageId: "m3",
      Body: JSON.stringify({ orderId: "ord_2", correlationId: "c2", taskToken: "t" }),
    });
    expect(approval).toMatchObject({ orderId: "ord_2", correlationId: "c2", detailType: null });
  });

  it("survives a body that is not JSON", () => {
    expect(describeDeadLetter({ MessageId: "m4", Body: "poison" })).toMatchObject({
      body: "poison",
      orderId: null,
    });
  });

  it("turns a dead event back into a PutEvents entry", () => {
    expect(eventForBus(JSON.stringify(event))).toEqual({
      Source: "orders.api",
      DetailType: "OrderPlaced.v1",
      Detail: JSON.stringify(event.detail),
    });
    expect(eventForBus("{}")).toBeUndefined();
  });
});
