import { describe, expect, it } from "vitest";
import { canTransition, isTerminal, orderStatuses, statusGuard } from "./status";

describe("order status machine", () => {
  it("moves forward along the lifecycle", () => {
    expect(canTransition("ACCEPTED", "PROCESSING")).toBe(true);
    expect(canTransition("PROCESSING", "AWAITING_APPROVAL")).toBe(true);
    expect(canTransition("AWAITING_APPROVAL", "APPROVED")).toBe(true);
    expect(canTransition("APPROVED", "FULFILLED")).toBe(true);
    expect(canTransition("PROCESSING", "FULFILLED")).toBe(true);
  });

  it("never regresses and never skips approval", () => {
    expect(canTransition("PROCESSING", "ACCEPTED")).toBe(false);
    expect(canTransition("FULFILLED", "PROCESSING")).toBe(false);
    expect(canTransition("AWAITING_APPROVAL", "FULFILLED")).toBe(false);
    expect(canTransition("ACCEPTED", "FULFILLED")).toBe(false);
  });

  it("cancels from any non-terminal status, and terminal statuses are final", () => {
    for (const from of orderStatuses) {
      expect(canTransition(from, "CANCELLED")).toBe(!isTerminal(from));
      if (isTerminal(from)) {
        for (const to of orderStatuses) expect(canTransition(from, to)).toBe(false);
      }
    }
  });

  it("builds the DynamoDB guard from the allowed predecessors", () => {
    expect(statusGuard("FULFILLED")).toEqual({
      expression: "#status IN (:from0, :from1)",
      values: { ":from0": "PROCESSING", ":from1": "APPROVED" },
    });
    expect(() => statusGuard("ACCEPTED")).toThrow();
  });
});
