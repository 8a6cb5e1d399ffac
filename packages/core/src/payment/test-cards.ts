// The sandbox provider's deterministic test cards, like a real provider's test
// mode. Behaviour is a pure function of the token and the attempt number, so
// tests and demos can script every failure mode:
//
//   tok_approve, tok_visa      authorised
//   tok_decline                declined: card_declined
//   tok_insufficient_funds     declined: insufficient_funds
//   tok_transient[_N]          503 on the first N attempts per order (default 2), then authorised
//   tok_slow[_MS]              authorised after MS milliseconds (default 3000)
//   anything else              declined: unknown_test_card

export type CardBehaviour =
  | { kind: "approve"; delayMs: number }
  | { kind: "decline"; declineCode: string }
  | { kind: "unavailable" };

export function cardBehaviour(card: string, attempt: number): CardBehaviour {
  if (card === "tok_approve" || card === "tok_visa") return { kind: "approve", delayMs: 0 };
  if (card === "tok_decline") return { kind: "decline", declineCode: "card_declined" };
  if (card === "tok_insufficient_funds")
    return { kind: "decline", declineCode: "insufficient_funds" };
  const transient = /^tok_transient(?:_(\d{1,2}))?$/.exec(card);
  if (transient) {
    const failures = transient[1] ? Number(transient[1]) : 2;
    return attempt <= failures ? { kind: "unavailable" } : { kind: "approve", delayMs: 0 };
  }
  const slow = /^tok_slow(?:_(\d{1,5}))?$/.exec(card);
  if (slow) return { kind: "approve", delayMs: slow[1] ? Number(slow[1]) : 3_000 };
  return { kind: "decline", declineCode: "unknown_test_card" };
}

/** Whether the card's behaviour depends on the attempt (so attempts must be counted). */
export const countsAttempts = (card: string) => /^tok_transient(?:_\d{1,2})?$/.test(card);
