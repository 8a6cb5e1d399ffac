import { describe, expect, it } from "vitest";
import { canonicalJson, orderIdFor, requestHash } from "./identity";
import { OrderId } from "./schema";

describe("order identity", () => {
  it("derives the same order id from the same customer and key", () => {
    expect(orderIdFor("alice", "k1")).toBe(orderIdFor("alice", "k1"));
    expect(OrderId.safeParse(orderIdFor("alice", "k1")).success).toBe(true);
  });

  it("scopes keys to the customer", () => {
    expect(orderIdFor("alice", "k1")).not.toBe(orderIdFor("bob", "k1"));
    // No ambiguity from concatenation: ("a","bc") vs ("ab","c").
    expect(orderIdFor("a", "bc")).not.toBe(orderIdFor("ab", "c"));
  });

  it("hashes requests independently of key order, but not of values", () => {
    const a = { lines: [{ sku: "SKU-A", quantity: 1 }], payment: { card: "tok_approve" } };
    const b = { payment: { card: "tok_approve" }, lines: [{ quantity: 1, sku: "SKU-A" }] };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash(a)).not.toBe(requestHash({ ...a, lines: [{ sku: "SKU-A", quantity: 2 }] }));
    // Line order is meaningful.
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});
