import { resolve } from "node:path";
import { expect, test } from "@playwright/test";

// The README's first command on a fresh clone: `pnpm dev`, then the browser at
// its origin. The local cloud of playwright.first-run.config.ts started on a
// data folder with no console in it, so what the browser gets is what that
// start built (or failed to).

const artifacts = resolve(import.meta.dirname, "../artifacts");

test("a fresh `pnpm dev` serves the console: sign-in page, then the shop, with no console errors", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));

  const response = await page.goto("/");
  expect(response?.status(), await response?.text()).toBe(200);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with your account" })).toBeVisible();
  await page.screenshot({ path: resolve(artifacts, "first-run-sign-in.png") });
  expect(errors, "browser console on first load").toEqual([]);

  // The console talks to this origin's identity provider and API.
  await page.getByRole("button", { name: "Sign in with your account" }).click();
  await page.waitForURL(/\/auth\/authorize/);
  await page.getByLabel("Username").fill("customer-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/shop$/);
  await expect(page.getByText("customer-1@example.test")).toBeVisible();
  expect(errors, "browser console after signing in").toEqual([]);
});

test("the health endpoint counts the console among the components", async ({ request }) => {
  const health = (await (await request.get("/api/health")).json()) as {
    components: Record<string, { ready: boolean }>;
  };
  expect(health.components.console).toMatchObject({ ready: true });
});
