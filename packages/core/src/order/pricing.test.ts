import { describe, expect, it } from "vitest";
import { catalog } from "../inventory/catalog";
import { orderPolicy } from "../topology/resources";
import { type PricedSku, priceOrder } from "./pricing";
import { PlaceOrderRequest } from "./schema";

const prices = new Map<string, PricedSku>(
  catalog.map((c) => [
    c.sku,
    {
      sku: c.sku,
      name: c.name,
      priceCents: c.priceCents,
      currency: c.currency,
      reviewRequired: c.reviewRequired,
    },
  ]),
);
const request = (lines: { sku: string; quantity: number }[]) =>
  PlaceOrderRequest.parse({ lines, payment: { card: "tok_approve" } });

describe("pricing and flagging", () => {
  it("prices lines from the inventory, not the client", () => {
    const priced = priceOrder(
      request([
        { sku: "SKU-KEYBOARD", quantity: 2 },
        { sku: "SKU-MOUSE", quantity: 1 },
      ]),
      prices,
      orderPolicy,
    );
    expect(priced.lines.map((l) => l.lineTotalCents)).toEqual([25_800, 4_900]);
    expect(priced.totalCents).toBe(30_700);
    expect(priced.flagged).toBe(false);
    expect(priced.reviewReason).toBeNull();
  });

  it("flags an order whose total exceeds the threshold, but not one equal to it", () => {
    const flagged = priceOrder(
      request([{ sku: "SKU-WORKSTATION", quantity: 1 }]),
      prices,
      orderPolicy,
    );
    expect(flagged.flagged).toBe(true);
    expect(flagged.reviewReason).toMatch(/exceeds the approval threshold/);
    const atThreshold = priceOrder(request([{ sku: "SKU-CABLE", quantity: 1 }]), prices, {
      approvalThresholdCents: 1_500,
    });
    expect(atThreshold.flagged).toBe(false);
  });

  it("flags SKUs that always need review, at any amount", () => {
    const priced = priceOrder(
      request([{ sku: "SKU-GIFT-CARD", quantity: 1 }]),
      prices,
      orderPolicy,
    );
    expect(priced.flagged).toBe(true);
    expect(priced.reviewReason).toMatch(/SKU-GIFT-CARD/);
  });

  it("refuses unknown SKUs with a stable code listing them", () => {
    expect(() =>
      priceOrder(request([{ sku: "SKU-NOPE", quantity: 1 }]), prices, orderPolicy),
    ).toThrow(
      expect.objectContaining({
        code: "UNKNOWN_SKU",
        status: 422,
        details: { skus: ["SKU-NOPE"] },
      }),
    );
  });
});
