import { DomainError } from "../errors";
import type { OrderLine, PlaceOrderRequest } from "./schema";

// Turns a validated request into priced lines, using prices from the
// inventory (never from the client), and decides whether it needs an
// operator's approval. Pure: the ingress reads the prices, this decides.

export interface PricedSku {
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  reviewRequired: boolean;
}

export interface FlagPolicy {
  approvalThresholdCents: number;
}

export interface PricedOrder {
  lines: OrderLine[];
  totalCents: number;
  flagged: boolean;
  reviewReason: string | null;
}

export const formatCents = (cents: number, currency: string) =>
  `${(cents / 100).toFixed(2)} ${currency}`;

export function priceOrder(
  request: PlaceOrderRequest,
  prices: ReadonlyMap<string, PricedSku>,
  policy: FlagPolicy,
): PricedOrder {
  const unknown = request.lines.filter((line) => !prices.has(line.sku)).map((line) => line.sku);
  if (unknown.length > 0) {
    throw new DomainError("UNKNOWN_SKU", `Unknown SKU: ${unknown.join(", ")}`, 422, {
      skus: unknown,
    });
  }
  const wrongCurrency = request.lines.filter(
    (line) => prices.get(line.sku)!.currency !== request.currency,
  );
  if (wrongCurrency.length > 0) {
    throw new DomainError(
      "CURRENCY_NOT_SUPPORTED",
      `These SKUs are not sold in ${request.currency}`,
      422,
      { skus: wrongCurrency.map((line) => line.sku) },
    );
  }
  const lines = request.lines.map((line): OrderLine => {
    const sku = prices.get(line.sku)!;
    return {
      sku: line.sku,
      name: sku.name,
      quantity: line.quantity,
      unitPriceCents: sku.priceCents,
      lineTotalCents: sku.priceCents * line.quantity,
    };
  });
  const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  return { lines, totalCents, ...reviewDecision(request, prices, totalCents, policy) };
}

/** Flagged = the total exceeds the threshold, or a SKU that always needs review is on it. */
export function reviewDecision(
  request: PlaceOrderRequest,
  prices: ReadonlyMap<string, PricedSku>,
  totalCents: number,
  policy: FlagPolicy,
): { flagged: boolean; reviewReason: string | null } {
  const reasons: string[] = [];
  if (totalCents > policy.approvalThresholdCents) {
    reasons.push(
      `Total ${formatCents(totalCents, request.currency)} exceeds the approval threshold of ${formatCents(policy.approvalThresholdCents, request.currency)}`,
    );
  }
  const reviewSkus = request.lines.filter((line) => prices.get(line.sku)?.reviewRequired);
  if (reviewSkus.length > 0) {
    reasons.push(
      `Contains SKUs that always need review: ${reviewSkus.map((l) => l.sku).join(", ")}`,
    );
  }
  return { flagged: reasons.length > 0, reviewReason: reasons.length ? reasons.join("; ") : null };
}
