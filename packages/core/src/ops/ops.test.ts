import { describe, expect, it } from "vitest";
import { orderOfMessage } from ".";

describe("orderOfMessage", () => {
  const event = {
    id: "1",
    "detail-type": "OrderPlaced.v1",
    detail: { orderId: "ord_1", correlationId: "c1" },
  };
  it("reads EventBridge events, SNS envelopes and approval requests", () => {
    expect(orderOfMessage(JSON.stringify(event))).toEqual({
      orderId: "ord_1",
      correlationId: "c1",
    });
    expect(
      orderOfMessage(JSON.stringify({ Type: "Notification", Message: JSON.stringify(event) })),
    ).toEqual({ orderId: "ord_1", correlationId: "c1" });
    expect(
      orderOfMessage(JSON.stringify({ orderId: "ord_2", correlationId: "c2", taskToken: "t" })),
    ).toEqual({ orderId: "ord_2", correlationId: "c2" });
  });
  it("reads a stream failure's keys, and gives up on anything else", () => {
    expect(
      orderOfMessage(JSON.stringify({ Keys: { pk: { S: "ORDER#ord_3" }, sk: { S: "META" } } }))
        ?.orderId,
    ).toBe("ord_3");
    expect(orderOfMessage("not json")).toBeUndefined();
    expect(orderOfMessage(JSON.stringify({ hello: "world" }))).toBeUndefined();
  });
});
