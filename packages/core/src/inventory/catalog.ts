import { type CatalogItem, CatalogItem as CatalogItemSchema } from "./schema";

// The demo catalogue the local cloud seeds on first start (seedCatalog in
// ./repository; infra can seed a deployed stage from the same list). Prices in cents. SKU-WORKSTATION alone exceeds the
// approval threshold (orderPolicy.approvalThresholdCents = $1,000.00), so one
// of it is the easiest way to submit a flagged order; SKU-GIFT-CARD triggers
// the review rule at any amount; SKU-LIMITED has little stock, for
// out-of-stock compensations.
export const catalog: readonly CatalogItem[] = (
  [
    { sku: "SKU-KEYBOARD", name: "Mechanical keyboard", priceCents: 12_900, stock: 500 },
    { sku: "SKU-MOUSE", name: "Wireless mouse", priceCents: 4_900, stock: 800 },
    { sku: "SKU-MONITOR", name: '27" 4K monitor', priceCents: 39_900, stock: 200 },
    { sku: "SKU-HEADSET", name: "Noise-cancelling headset", priceCents: 19_900, stock: 300 },
    { sku: "SKU-WEBCAM", name: "1080p webcam", priceCents: 6_900, stock: 400 },
    { sku: "SKU-DOCK", name: "USB-C dock", priceCents: 17_900, stock: 250 },
    { sku: "SKU-CABLE", name: "USB-C cable (2 m)", priceCents: 1_500, stock: 5_000 },
    { sku: "SKU-LAPTOP-STAND", name: "Aluminium laptop stand", priceCents: 5_900, stock: 350 },
    { sku: "SKU-DESK-MAT", name: "Felt desk mat", priceCents: 2_900, stock: 1_000 },
    { sku: "SKU-CHAIR", name: "Ergonomic chair", priceCents: 54_900, stock: 60 },
    { sku: "SKU-WORKSTATION", name: "Workstation tower", priceCents: 249_900, stock: 25 },
    {
      sku: "SKU-GIFT-CARD",
      name: "Gift card ($50)",
      priceCents: 5_000,
      stock: 10_000,
      reviewRequired: true,
    },
    { sku: "SKU-LIMITED", name: "Limited-edition keycap set", priceCents: 8_900, stock: 3 },
  ] satisfies Omit<Partial<CatalogItem>, "currency">[]
).map((item) => CatalogItemSchema.parse({ currency: "USD", ...item }));
