import { deployment } from "@orders/local/graph/index";
import { describe, expect, it } from "vitest";
import { matchByRole } from "./snapshot";

describe("matchByRole finds a deployment's resource by its topology name", () => {
  const d = deployment();
  const tables = Object.values(d.tables).map((t) => t.name);
  const queues = Object.values(d.queues).map((q) => q.name);

  it("as SST names it (the local cloud's names, from the synthesized graph)", () => {
    expect(matchByRole(tables, "OrdersTable")).toBe(d.tables.OrdersTable.name);
    expect(matchByRole(tables, "NotificationLedgerTable")).toBe(
      d.tables.NotificationLedgerTable.name,
    );
    // A work queue's name is a prefix of its DLQ's: each finds its own.
    expect(matchByRole(queues, "PaymentQueue")).toBe(d.queues.PaymentQueue.name);
    expect(matchByRole(queues, "PaymentQueueDlq")).toBe(d.queues.PaymentQueueDlq.name);
  });

  it("by suffix or exactly, and refuses to guess between two", () => {
    expect(matchByRole(["orders-local-OrdersTable", "x"], "OrdersTable")).toBe(
      "orders-local-OrdersTable",
    );
    expect(matchByRole(["OrdersTable", "a-OrdersTable"], "OrdersTable")).toBe("OrdersTable");
    expect(() => matchByRole(["a-OrdersTable", "b-OrdersTableTable-abc"], "OrdersTable")).toThrow(
      /more than one OrdersTable/,
    );
  });
});
