// The public order API's shapes as the customer's pages use them.
export interface CatalogEntry {
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  available: number;
  reviewRequired: boolean;
}

export interface PlaceOrderBody {
  lines: { sku: string; quantity: number }[];
  currency: "USD";
  payment: { card: string };
}

export interface Accepted {
  orderId: string;
  status: string;
  statusUrl: string;
}

/** GET /api/orders/{id}: the order as its customer may see it (the ingress's own type). */
export type { OrderView } from "@orders/core/order";

export const terminal = (status: string | undefined) =>
  status === "FULFILLED" || status === "CANCELLED";
