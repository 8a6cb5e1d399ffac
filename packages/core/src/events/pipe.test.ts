import { describe, expect, it } from "vitest";
import { acceptedOrderItem } from "../testing/order-record";
import { detailTypes } from "../topology/resources";
import { pipeEventsFor, planRecord } from "./outbox";

const order = acceptedOrderItem;
const paid = { ...order, status: "PROCESSING", statusChangedAt: "2025-01-01T00:01:00.000Z" };

describe("the outbox pipe's events", () => {
  it("are the publisher's entries: same source, detail-type, time, detail and correlation id", () => {
    const changes = [
      { eventName: "INSERT" as const, oldImage: undefined, newImage: order },
      { eventName: "MODIFY" as const, oldImage: order, newImage: paid },
    ];
    const events = pipeEventsFor(changes);
    const entries = changes.map((c) => {
      const planned = planRecord(c);
      if (!("entry" in planned)) throw new Error("no entry");
      return planned.entry;
    });
    expect(events).toEqual(
      entries.map((e) => ({
        source: e.Source,
        detailType: e.DetailType,
        time: e.Time.toISOString(),
        detail: JSON.parse(e.Detail),
        eventId: e.eventId,
        correlationId: "corr-1",
      })),
    );
    expect(events.map((e) => e.detailType)).toEqual([
      detailTypes.OrderPlaced,
      detailTypes.OrderStatusChanged,
    ]);
    expect(events[1]!.time).toBe("2025-01-01T00:01:00.000Z");
  });

  it("leave out a write that changes no status, and refuse an item that is not an order", () => {
    const touched = { ...order, updatedAt: "2025-01-01T00:00:30.000Z" };
    expect(pipeEventsFor([{ eventName: "MODIFY", oldImage: order, newImage: touched }])).toEqual(
      [],
    );
    expect(() =>
      pipeEventsFor([
        { eventName: "INSERT", oldImage: undefined, newImage: { sk: "META", entity: "ORDER" } },
      ]),
    ).toThrow();
  });
});
