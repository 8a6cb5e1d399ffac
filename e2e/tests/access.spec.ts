import { expect, test } from "@playwright/test";
import { pageAs } from "../support/contexts";
import { bearer, devToken, placeOrder } from "../support/local-cloud";
import { users } from "../support/users";

test("a customer sees no ops navigation and gets a 403 page on ops pages", async ({ browser }) => {
  const page = await pageAs(browser, "customer");
  await page.goto("/shop");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }),
  ).toHaveCount(0);
  for (const path of ["/ops", "/ops/approvals", "/ops/queues"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Operators only" })).toBeVisible();
  }
});

test("the admin API refuses a customer's token with 403 and no token with 401", async ({
  request,
}) => {
  const token = await devToken(request, users.customer);
  const refused = await request.get("/api/admin/queues", { headers: bearer(token) });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({ code: "FORBIDDEN" });
  const anonymous = await request.get("/api/admin/queues");
  expect(anonymous.status()).toBe(401);
});

test("a customer cannot open another customer's order", async ({ browser, request }) => {
  const ann = await devToken(request, users.customer);
  const { body } = await placeOrder(request, ann, { lines: [{ sku: "SKU-CABLE", quantity: 1 }] });
  const ben = await pageAs(browser, "otherCustomer");
  await ben.goto(`/shop/orders/${body.orderId}`);
  await expect(ben.getByText("No such order (or it is not yours)")).toBeVisible();
  const benToken = await devToken(request, users.otherCustomer);
  expect(
    (await request.get(`/api/orders/${body.orderId}`, { headers: bearer(benToken) })).status(),
  ).toBe(404);
});
