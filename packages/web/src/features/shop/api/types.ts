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

export interface OrderView {
  orderId: string;
  status: string;
  customerId: string;
  correlationId: string;
  lines: {
    sku: string;
    name: string;
    quantity: number;
    unitPriceCents: number;
    lineTotalCents: number;
  }[];
  totalCents: number;
  currency: string;
  flagged: boolean;
  reviewReason: string | null;
  createdAt: string;
  updatedAt: string;
  payment: { status: string } | null;
  approval: { status: string; deadline: string; decidedAt?: string } | null;
  cancellation: { error: string; cause?: string } | null;
  timeline: { at: string; kind: string; message: string; actor: string; correlationId: string }[];
}

export const terminal = (status: string | undefined) =>
  status === "FULFILLED" || status === "CANCELLED";
