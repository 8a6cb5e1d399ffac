import type { Browser, Page } from "@playwright/test";
import { type Role, storageStateOf } from "./users";

/** A page signed in as `role` (its own browser context, so roles never share a session). */
export async function pageAs(browser: Browser, role: Role): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateOf(role) });
  return context.newPage();
}

/** The order id from a console URL like /shop/orders/ord_… or /ops/orders/ord_…. */
export const orderIdFromUrl = (url: string) => /\/orders\/(ord_[0-9a-f]{32})/.exec(url)?.[1] ?? "";

/** Add items in the Shop and place the order; returns the new order's id. */
export async function shopAndPlace(
  page: Page,
  items: { name: string; quantity: number }[],
  card = "tok_approve",
) {
  await page.goto("/shop");
  for (const item of items) {
    await page.getByLabel(`Quantity of ${item.name}`).fill(String(item.quantity));
  }
  await page.getByLabel("Payment (sandbox test card)").selectOption(card);
  await page.getByRole("button", { name: "Place order" }).click();
  await page.waitForURL(/\/shop\/orders\/ord_/);
  return orderIdFromUrl(page.url());
}
