import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { orderIdFromUrl, pageAs, shopAndPlace } from "../support/contexts";

// The main paths, through the console as a customer and an operator.

test("a customer submits an order, sees it accepted, and follows it to FULFILLED", async ({
  browser,
}) => {
  const page = await pageAs(browser, "customer");
  const orderId = await shopAndPlace(page, [
    { name: "Mechanical keyboard", quantity: 1 },
    { name: "Wireless mouse", quantity: 2 },
  ]);
  expect(orderId).toMatch(/^ord_/);
  await expect(page.getByText("Your order was accepted")).toBeVisible();
  await expect(page.getByText("FULFILLED", { exact: true })).toBeVisible({ timeout: 120_000 });
  const timeline = page.getByRole("list").filter({ has: page.locator(".tl-accepted") });
  await expect(timeline).toContainText(/fulfilled/i);
  await expectNoSeriousA11yViolations(page);
});

test("a flagged order waits in the approvals inbox; approving it fulfils it", async ({
  browser,
}) => {
  const customer = await pageAs(browser, "customer");
  const orderId = await shopAndPlace(customer, [{ name: "Workstation tower", quantity: 1 }]);
  await expect(customer.getByText("AWAITING APPROVAL", { exact: true })).toBeVisible({
    timeout: 90_000,
  });

  const ops = await pageAs(browser, "operator");
  await ops.goto("/ops/approvals");
  const item = ops
    .getByRole("listitem")
    .filter({ has: ops.locator(`a[href="/ops/orders/${orderId}"]`) });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await expect(item).toContainText("exceeds the approval threshold");
  await expect(item.locator(".countdown")).toHaveText(/^Time left: 2[34]:\d\d:\d\d$/);
  await item.getByLabel("Comment (required to reject)").fill("Known customer, ok");
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(item).toBeHidden();

  await expect(customer.getByText("FULFILLED", { exact: true })).toBeVisible({ timeout: 120_000 });
  await ops.goto(`/ops/orders/${orderId}`);
  await expect(ops.locator(".timeline").first()).toContainText(/approved by e2e-ops-olga/i);
});

test("rejecting a flagged order cancels it, with the compensation steps on its timeline", async ({
  browser,
}) => {
  const customer = await pageAs(browser, "customer");
  const orderId = await shopAndPlace(customer, [{ name: "Workstation tower", quantity: 1 }]);
  await expect(customer.getByText("AWAITING APPROVAL", { exact: true })).toBeVisible({
    timeout: 90_000,
  });

  const ops = await pageAs(browser, "operator");
  await ops.goto("/ops/approvals");
  const item = ops
    .getByRole("listitem")
    .filter({ has: ops.locator(`a[href="/ops/orders/${orderId}"]`) });
  await expect(item.getByRole("button", { name: "Reject" })).toBeDisabled();
  await item.getByLabel("Comment (required to reject)").fill("Address does not match the card");
  await item.getByRole("button", { name: "Reject" }).click();
  await expect(item).toBeHidden();

  await expect(customer.getByText("CANCELLED", { exact: true })).toBeVisible({ timeout: 120_000 });
  await ops.goto(`/ops/orders/${orderId}`);
  const timeline = ops.locator(".timeline").first();
  await expect(timeline).toContainText(/payment (voided|void recorded)/i);
  await expect(timeline).toContainText(/inventory released/i);
  await expect(timeline).toContainText(/cancelled/i);
  // The saga graph shows the compensation path.
  await expect(
    ops.locator(".node-visited, .node-caught").filter({ hasText: "ReleaseInventory" }),
  ).toHaveCount(1);
  expect(orderIdFromUrl(ops.url())).toBe(orderId);
});
