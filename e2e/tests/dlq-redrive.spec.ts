import { expect, test } from "@playwright/test";
import { pageAs } from "../support/contexts";
import { devToken, placeOrder, setSandbox, waitForStatus } from "../support/local-cloud";
import { users } from "../support/users";

// Seed §9.4: the payment provider is down, payment messages exhaust their
// receives and land in the DLQ; after the fix an operator redrives them and
// the orders complete.

test("sandbox outage → PaymentQueueDlq → redrive from the console → FULFILLED", async ({
  browser,
  request,
}) => {
  test.skip(
    !(await setSandbox(request, "down")),
    "the local cloud has no fault control (POST /_local/faults)",
  );
  try {
    const token = await devToken(request, users.customer);
    const { body } = await placeOrder(request, token, {
      lines: [{ sku: "SKU-CABLE", quantity: 1 }],
    });
    const ops = await pageAs(browser, "operator");
    await ops.goto("/ops/queues");
    const dlq = ops.getByRole("listitem").filter({ hasText: "PaymentQueueDlq" });
    await expect(dlq).toContainText(/[1-9]\d* messages?/, { timeout: 150_000 });
    await setSandbox(request, "up");

    await dlq.getByRole("button", { name: "Browse" }).click();
    const letter = ops
      .locator(".letter")
      .filter({ has: ops.locator(`a[href="/ops/orders/${body.orderId}"]`) });
    await expect(letter).toBeVisible();
    await letter.getByRole("checkbox").check();
    await ops.getByRole("button", { name: /Redrive 1 selected/ }).click();
    await expect(ops.getByRole("dialog")).toContainText("back to PaymentQueue");
    await ops.getByRole("dialog").getByRole("button", { name: "Redrive" }).click();
    await expect(ops.getByRole("status").filter({ hasText: "1 moved" })).toBeVisible();

    await waitForStatus(request, token, body.orderId, ["FULFILLED"], 150_000);
    await ops.goto(`/ops/orders/${body.orderId}`);
    await expect(ops.locator(".timeline").first()).toContainText(/redriven from PaymentQueueDlq/i);
  } finally {
    await setSandbox(request, "up");
  }
});
