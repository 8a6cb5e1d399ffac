// An order's META item as the ingress writes it: the stream record image the
// outbox tests (publisher and pipe) build events from.
export const acceptedOrderItem = {
  pk: "ORDER#ord_1",
  sk: "META",
  entity: "ORDER",
  orderId: "ord_1",
  customerId: "alice",
  idempotencyKey: "k",
  requestHash: "h",
  correlationId: "corr-1",
  status: "ACCEPTED",
  lines: [
    {
      sku: "SKU-KEYBOARD",
      name: "Keyboard",
      quantity: 1,
      unitPriceCents: 100,
      lineTotalCents: 100,
    },
  ],
  totalCents: 100,
  currency: "USD",
  flagged: false,
  reviewReason: null,
  payment: { method: "card", token: "tok_approve" },
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  statusChangedAt: "2025-01-01T00:00:00.000Z",
  journal: [],
};
