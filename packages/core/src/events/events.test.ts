import { describe, expect, it } from "vitest";
import { acceptedOrderItem } from "../testing/order-record";
import { detailTypes } from "../topology/resources";
import { eventFor } from "./build";
import { OrderPlacedV1, OrderStatusChangedV1 } from "./contracts";
import { matchOutcomes, planRecord } from "./outbox";
import { chunk, publishEvents } from "./publisher";
import { unwrapSns } from "./sns";

const order = acceptedOrderItem;

describe("outbox event building", () => {
  it("publishes OrderPlaced.v1 on the INSERT of an order: small, with the routing attributes", () => {
    const entry = eventFor("INSERT", undefined, order)!;
    expect(entry.DetailType).toBe(detailTypes.OrderPlaced);
    const detail = OrderPlacedV1.parse(JSON.parse(entry.Detail));
    expect(detail).toMatchObject({
      orderId: "ord_1",
      customerId: "alice",
      correlationId: "corr-1",
      totalCents: 100,
      flagged: false,
      reviewReason: null,
      status: "ACCEPTED",
    });
    expect(entry.Detail).not.toContain("tok_approve");
    expect(entry.Detail).not.toContain("SKU-KEYBOARD");
  });

  it("is deterministic, so a re-published record is an exact duplicate", () => {
    expect(eventFor("INSERT", undefined, order)).toEqual(eventFor("INSERT", undefined, order));
  });

  it("publishes OrderStatusChanged.v1 with from/to only when the status changes", () => {
    const processing = {
      ...order,
      status: "PROCESSING",
      statusChangedAt: "2025-01-01T00:00:01.000Z",
    };
    const entry = eventFor("MODIFY", order, processing)!;
    expect(entry.DetailType).toBe(detailTypes.OrderStatusChanged);
    expect(OrderStatusChangedV1.parse(JSON.parse(entry.Detail))).toMatchObject({
      from: "ACCEPTED",
      to: "PROCESSING",
      status: "PROCESSING",
      eventId: "ord_1:status:PROCESSING",
    });
    expect(eventFor("MODIFY", processing, { ...processing, journal: [] })).toBeUndefined();
  });

  it("ignores items that are not orders and removals", () => {
    expect(
      eventFor("INSERT", undefined, { pk: "ORDER#ord_1", sk: "PAYMENT", entity: "PAYMENT" }),
    ).toBeUndefined();
    expect(eventFor("REMOVE", order, undefined)).toBeUndefined();
  });
});

describe("PutEvents batching", () => {
  const entries = Array.from({ length: 23 }, (_, i) => ({
    ...eventFor("INSERT", undefined, { ...order, orderId: `ord_${i}` })!,
  }));

  it("chunks at 10 entries", () => {
    expect(chunk(entries).map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it("retries only the failed entries", async () => {
    const calls: string[][] = [];
    const failOnce = new Set(["ord_3", "ord_15"]);
    const client = {
      send: async (command: { input: { Entries?: { Detail?: string }[] } }) => {
        const ids = (command.input.Entries ?? []).map(
          (e) => JSON.parse(e.Detail!).orderId as string,
        );
        calls.push(ids);
        const out = ids.map((id) =>
          failOnce.delete(id)
            ? { ErrorCode: "InternalFailure", ErrorMessage: "try again" }
            : { EventId: `eb-${id}` },
        );
        return { FailedEntryCount: out.filter((o) => "ErrorCode" in o).length, Entries: out };
      },
    };
    const outcomes = await publishEvents(client as never, entries, {
      busName: "Bus",
      sleep: async () => {},
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3, 2]);
    expect(calls[3]).toEqual(["ord_3", "ord_15"]);
  });

  it("publishes each event with its order's ingress trace header, not the publisher's", async () => {
    const ingressTrace =
      "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1";
    const placed = eventFor("INSERT", undefined, { ...order, traceHeader: ingressTrace })!;
    const changed = eventFor(
      "MODIFY",
      { ...order, traceHeader: ingressTrace },
      { ...order, traceHeader: ingressTrace, status: "FULFILLED" },
    )!;
    const sent: (string | undefined)[] = [];
    const client = {
      send: async (command: { input: { Entries?: { TraceHeader?: string }[] } }) => {
        for (const e of command.input.Entries ?? []) sent.push(e.TraceHeader);
        return { FailedEntryCount: 0, Entries: sent.map((_, i) => ({ EventId: `eb-${i}` })) };
      },
    };
    await publishEvents(client as never, [placed, changed], {
      busName: "Bus",
      traceHeader: "Root=1-00000000-publisherpublisherpublisher",
    });
    expect(sent).toEqual([ingressTrace, ingressTrace]);
  });

  it("reports entries that never succeed", async () => {
    const client = {
      send: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: "ThrottlingException" }] }),
    };
    const outcomes = await publishEvents(client as never, entries.slice(0, 1), {
      busName: "Bus",
      maxAttempts: 3,
      sleep: async () => {},
    });
    expect(outcomes[0]).toEqual({ ok: false, error: "ThrottlingException: " });
  });
});

describe("the outbox's record outcomes", () => {
  it("gives each record its own event's outcome, records without an event not shifting the rest", () => {
    const planned = [
      planRecord({ eventName: "INSERT", oldImage: undefined, newImage: order }),
      planRecord({ eventName: "MODIFY", oldImage: order, newImage: { ...order } }),
      planRecord({
        eventName: "INSERT",
        oldImage: undefined,
        newImage: { ...order, sk: "META", status: 7 },
      }),
      planRecord({
        eventName: "MODIFY",
        oldImage: order,
        newImage: { ...order, status: "FULFILLED" },
      }),
    ];
    expect(planned.map((p) => Object.keys(p)[0])).toEqual(["entry", "skip", "error", "entry"]);
    const outcomes = matchOutcomes(planned, [
      { ok: false, error: "ThrottlingException: " },
      { ok: true, eventBridgeId: "eb-2" },
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(["failed", "skipped", "invalid", "published"]);
    expect(outcomes[0]).toMatchObject({ entry: { DetailType: detailTypes.OrderPlaced } });
    expect(outcomes[3]).toMatchObject({
      eventBridgeId: "eb-2",
      entry: { DetailType: detailTypes.OrderStatusChanged },
    });
  });
});

describe("the SNS envelope", () => {
  const event = { "detail-type": "OrderPlaced.v1", detail: { orderId: "ord_1" } };
  it("unwraps a notification's message, and leaves a raw delivery as it is", () => {
    expect(
      unwrapSns({ Type: "Notification", MessageId: "m", Message: JSON.stringify(event) }),
    ).toEqual(event);
    expect(unwrapSns(event)).toBe(event);
    expect(unwrapSns({ Type: "SubscriptionConfirmation", Message: "{}" })).toEqual({
      Type: "SubscriptionConfirmation",
      Message: "{}",
    });
  });
  it("keeps an envelope whose message is not JSON", () => {
    const envelope = { Type: "Notification", Message: "not json" };
    expect(unwrapSns(envelope)).toBe(envelope);
  });
});
