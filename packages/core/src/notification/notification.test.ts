import { describe, expect, it } from "vitest";
import { impliedNotifications, notificationKey } from ".";

describe("impliedNotifications", () => {
  const pairs = (order: { status: string; approval?: unknown }) =>
    impliedNotifications(order)
      .map((n) => `${n.status}#${n.channel}`)
      .sort();

  it("follows the topology's subscriptions: email for every status, sms for the end", () => {
    expect(pairs({ status: "FULFILLED" })).toEqual([
      "ACCEPTED#email",
      "FULFILLED#email",
      "FULFILLED#sms",
    ]);
    expect(pairs({ status: "PROCESSING" })).toEqual(["ACCEPTED#email"]);
    expect(pairs({ status: "CANCELLED", approval: { status: "EXPIRED" } })).toEqual([
      "ACCEPTED#email",
      "AWAITING_APPROVAL#email",
      "CANCELLED#email",
      "CANCELLED#sms",
    ]);
  });

  it("keys a notification by order, status and channel", () => {
    expect(notificationKey("ord_1", "FULFILLED", "sms")).toBe("ord_1:FULFILLED#sms");
  });
});
