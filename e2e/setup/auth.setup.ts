import { expect, type Page, test as setup } from "@playwright/test";
import { type Role, storageStateOf, users } from "../support/users";

// Each user signs in once, through the console's real flow: "Sign in" → the
// provider's login page (code + PKCE) → the console's callback → back on the
// console. The saved storageState carries the oidc-client-ts session
// (localStorage); scenarios start signed in.

async function signInThroughProvider(page: Page, who: { sub: string; groups: readonly string[] }) {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in with your account" }).click();
  await page.waitForURL(/\/auth\/authorize/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Username").fill(who.sub);
  // Operators tick the provider's "operator" box; any other group is typed.
  const operator = who.groups.includes("ops");
  if (operator) await page.getByRole("checkbox", { name: /operator/ }).check();
  const others = who.groups.filter((g) => g !== "ops");
  if (others.length) await page.getByRole("textbox", { name: /Groups/ }).fill(others.join(" "));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/auth"), { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.getByText(`${who.sub}@example.test`)).toBeVisible();
}

for (const role of Object.keys(users) as Role[]) {
  setup(`sign in: ${role}`, async ({ page }) => {
    const who = users[role];
    await signInThroughProvider(page, who);
    const nav = page.getByRole("navigation", { name: "Main" });
    if (who.groups.includes("ops")) {
      await expect(page).toHaveURL(/\/ops$/);
      await expect(nav.getByRole("link", { name: "Approvals" })).toBeVisible();
    } else {
      await expect(page).toHaveURL(/\/shop$/);
      await expect(nav.getByRole("link", { name: "Approvals" })).toHaveCount(0);
    }
    await page.context().storageState({ path: storageStateOf(role) });
  });
}
