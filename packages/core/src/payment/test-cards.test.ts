import { describe, expect, it } from "vitest";
import { cardBehaviour } from "./test-cards";

describe("sandbox test cards", () => {
  it("approves and declines deterministically", () => {
    expect(cardBehaviour("tok_approve", 1)).toEqual({ kind: "approve", delayMs: 0 });
    expect(cardBehaviour("tok_decline", 1)).toEqual({
      kind: "decline",
      declineCode: "card_declined",
    });
    expect(cardBehaviour("tok_mystery", 1)).toEqual({
      kind: "decline",
      declineCode: "unknown_test_card",
    });
  });

  it("tok_transient fails its first N attempts, then approves", () => {
    expect([1, 2, 3].map((a) => cardBehaviour("tok_transient", a).kind)).toEqual([
      "unavailable",
      "unavailable",
      "approve",
    ]);
    expect([1, 2].map((a) => cardBehaviour("tok_transient_1", a).kind)).toEqual([
      "unavailable",
      "approve",
    ]);
  });

  it("tok_slow approves after a delay", () => {
    expect(cardBehaviour("tok_slow", 1)).toEqual({ kind: "approve", delayMs: 3_000 });
    expect(cardBehaviour("tok_slow_250", 1)).toEqual({ kind: "approve", delayMs: 250 });
  });
});
