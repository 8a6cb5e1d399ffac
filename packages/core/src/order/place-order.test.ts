import { describe, expect, it } from "vitest";
import { orderPolicy } from "../topology/resources";
import { parsePlaceOrderBody } from "./place-order";

const valid = { lines: [{ sku: "SKU-KEYBOARD", quantity: 1 }], payment: { card: "tok_approve" } };
const codeOf = (body: string | undefined) => {
  try {
    parsePlaceOrderBody(body);
    return "OK";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("order request validation", () => {
  it("accepts a minimal order and defaults the currency", () => {
    expect(parsePlaceOrderBody(JSON.stringify(valid)).currency).toBe("USD");
  });

  it.each([
    ["no body", undefined, "BODY_REQUIRED"],
    ["not JSON", "{nope", "INVALID_JSON"],
    ["unknown top-level field", JSON.stringify({ ...valid, discount: 50 }), "VALIDATION_FAILED"],
    [
      "unknown line field",
      JSON.stringify({ ...valid, lines: [{ sku: "SKU-KEYBOARD", quantity: 1, priceCents: 1 }] }),
      "VALIDATION_FAILED",
    ],
    ["no lines", JSON.stringify({ ...valid, lines: [] }), "VALIDATION_FAILED"],
    [
      "zero quantity",
      JSON.stringify({ ...valid, lines: [{ sku: "SKU-KEYBOARD", quantity: 0 }] }),
      "VALIDATION_FAILED",
    ],
    [
      "fractional quantity",
      JSON.stringify({ ...valid, lines: [{ sku: "SKU-KEYBOARD", quantity: 1.5 }] }),
      "VALIDATION_FAILED",
    ],
    [
      "quantity as string",
      JSON.stringify({ ...valid, lines: [{ sku: "SKU-KEYBOARD", quantity: "1" }] }),
      "VALIDATION_FAILED",
    ],
    [
      "quantity over the policy",
      JSON.stringify({
        ...valid,
        lines: [{ sku: "SKU-KEYBOARD", quantity: orderPolicy.maxQuantityPerLine + 1 }],
      }),
      "VALIDATION_FAILED",
    ],
    [
      "too many lines",
      JSON.stringify({
        ...valid,
        lines: Array.from({ length: orderPolicy.maxLinesPerOrder + 1 }, (_, i) => ({
          sku: `SKU-X${i}`,
          quantity: 1,
        })),
      }),
      "VALIDATION_FAILED",
    ],
    [
      "duplicate SKU lines",
      JSON.stringify({
        ...valid,
        lines: [
          { sku: "SKU-KEYBOARD", quantity: 1 },
          { sku: "SKU-KEYBOARD", quantity: 2 },
        ],
      }),
      "VALIDATION_FAILED",
    ],
    [
      "malformed SKU",
      JSON.stringify({ ...valid, lines: [{ sku: "keyboard", quantity: 1 }] }),
      "VALIDATION_FAILED",
    ],
    ["missing card", JSON.stringify({ lines: valid.lines }), "VALIDATION_FAILED"],
    [
      "card that is not a token",
      JSON.stringify({ ...valid, payment: { card: "4111111111111111" } }),
      "VALIDATION_FAILED",
    ],
    ["unsupported currency", JSON.stringify({ ...valid, currency: "EUR" }), "VALIDATION_FAILED"],
    ["oversized body", JSON.stringify({ ...valid, note: "x".repeat(20_000) }), "PAYLOAD_TOO_LARGE"],
  ])("refuses %s", (_, body, code) => {
    expect(codeOf(body)).toBe(code);
  });

  it("reports where the problem is", () => {
    try {
      parsePlaceOrderBody(
        JSON.stringify({ ...valid, lines: [{ sku: "SKU-KEYBOARD", quantity: -1 }] }),
      );
    } catch (error) {
      expect((error as { details: { path: string }[] }).details[0]?.path).toBe("lines.0.quantity");
    }
  });
});
