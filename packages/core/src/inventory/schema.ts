import { z } from "zod";
import { Sku } from "../order/schema";

// InventoryTable: one item per SKU (pk = SKU#<sku>, sk = STOCK). `available`
// is decremented by a reservation and incremented by its release; a shipped
// reservation leaves it as it is.

export const CatalogItem = z.object({
  sku: Sku,
  name: z.string().min(1),
  priceCents: z.number().int().positive(),
  currency: z.literal("USD"),
  /** Units on hand at seed time. */
  stock: z.number().int().nonnegative(),
  /** Every order containing it waits for an operator (a review rule). */
  reviewRequired: z.boolean().default(false),
});
export type CatalogItem = z.infer<typeof CatalogItem>;

export const StockRecord = z.object({
  pk: z.string(),
  sk: z.literal("STOCK"),
  entity: z.literal("SKU"),
  sku: Sku,
  name: z.string(),
  priceCents: z.number().int(),
  currency: z.literal("USD"),
  available: z.number().int(),
  reviewRequired: z.boolean().default(false),
});
export type StockRecord = z.infer<typeof StockRecord>;

/** What GET /api/catalog returns per SKU. */
export const CatalogEntry = z.object({
  sku: Sku,
  name: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  available: z.number().int(),
  reviewRequired: z.boolean(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const stockKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: "STOCK" as const });

/** A catalogue entry as its first stock record: what the local cloud and a deploy seed. */
export const stockRecord = (item: CatalogItem): StockRecord => ({
  ...stockKey(item.sku),
  entity: "SKU",
  sku: item.sku,
  name: item.name,
  priceCents: item.priceCents,
  currency: item.currency,
  available: item.stock,
  reviewRequired: item.reviewRequired,
});
