import { expect, type Page, test as setup } from "@playwright/test";
import { devToken } from "../support/local-cloud";
import { type Role, storageStateOf, users } from "../support/users";

// Each user signs in once, through the console's real flow: "Sign in" →
// the provider's login page (code + PKCE) → back on the console. The saved
// storageState carries the oidc-client-ts session (localStorage).

async function signInThroughProvider(page: Page, who: { sub: string; groups: readonly string[] }) {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in with your account" }).click();
  await page.waitForURL(/\/auth\//);
  await page
    .getByLabel(/user ?name|e-?mail|subject|sub\b|user/i)
    .first()
    .fill(who.sub);
  const groups = page.getByLabel(/groups?/i);
  if (await groups.count()) await groups.first().fill(who.groups.join(" "));
  await page
    .getByRole("button", { name: /sign in|log ?in|continue|submit/i })
    .first()
    .click();
  await page.waitForURL((url) => !url.pathname.startsWith("/auth"), { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

for (const role of Object.keys(users) as Role[]) {
  setup(`sign in: ${role}`, async ({ page, request }) => {
    const who = users[role];
    // Fail loudly if the provider is not there at all (the dev token endpoint is the simplest probe).
    await devToken(request, who);
    await signInThroughProvider(page, who);
    if (who.groups.includes("ops"))
      await expect(page.getByRole("link", { name: "Approvals" })).toBeVisible();
    await page.context().storageState({ path: storageStateOf(role) });
  });
}
