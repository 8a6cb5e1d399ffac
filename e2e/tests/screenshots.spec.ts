import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { pageAs } from "../support/contexts";
import { devToken, placeOrder, waitForStatus } from "../support/local-cloud";
import { users } from "../support/users";
import { screenshotAtViewports } from "../support/viewports";

// Every page with real data at 390 and 1280 px into e2e/artifacts/, each
// checked by axe for serious violations.

test("every page, at phone and desktop widths, accessible", async ({ browser, request }) => {
  const token = await devToken(request, users.customer);
  const { body } = await placeOrder(request, token, {
    lines: [{ sku: "SKU-KEYBOARD", quantity: 1 }],
  });
  // A declined card: an execution with a caught error, its cause and stack trace.
  const { body: declined } = await placeOrder(request, token, {
    lines: [{ sku: "SKU-KEYBOARD", quantity: 1 }],
    card: "tok_decline",
  });
  await waitForStatus(request, token, body.orderId, ["FULFILLED", "CANCELLED"]);
  await waitForStatus(request, token, declined.orderId, ["CANCELLED"]);

  const customer = await pageAs(browser, "customer");
  for (const [name, path, heading] of [
    ["shop", "/shop", "Shop"],
    ["order-tracking", `/shop/orders/${body.orderId}`, /Order ord_/],
  ] as const) {
    await customer.goto(path);
    await expect(customer.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectNoSeriousA11yViolations(customer);
    await screenshotAtViewports(customer, name);
  }
  await customer.goto("/ops");
  await screenshotAtViewports(customer, "forbidden");

  const ops = await pageAs(browser, "operator");
  for (const [name, path, heading] of [
    ["overview", "/ops", "Overview"],
    ["orders", "/ops/orders?by=status&q=FULFILLED", "Orders"],
    ["order-detail", `/ops/orders/${body.orderId}`, /Order ord_/],
    ["approvals", "/ops/approvals", "Approvals"],
    ["queues", "/ops/queues", "Queues"],
    ["executions", "/ops/executions", "Saga executions"],
  ] as const) {
    await ops.goto(path);
    await expect(ops.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(ops.locator(".state-loading")).toHaveCount(0, { timeout: 20_000 });
    await expectNoSeriousA11yViolations(ops);
    await screenshotAtViewports(ops, name);
  }
  for (const [name, orderId] of [
    ["execution-detail", body.orderId],
    ["execution-detail-cancelled", declined.orderId],
  ] as const) {
    await ops.goto(`/ops/orders/${orderId}`);
    await ops.getByRole("link", { name: "Execution details" }).click();
    await expect(ops.getByText("State by state")).toBeVisible();
    await expectNoSeriousA11yViolations(ops);
    await screenshotAtViewports(ops, name);
  }
});
