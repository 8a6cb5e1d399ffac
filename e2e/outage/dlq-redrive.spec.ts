import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { pageAs } from "../support/contexts";
import {
  devToken,
  placeOrder,
  setSandbox,
  setVisibilityTimeout,
  waitForStatus,
} from "../support/local-cloud";
import { users } from "../support/users";
import { screenshotAtViewports } from "../support/viewports";

// Seed §9.4: the payment provider is down, payment messages exhaust their
// receives and land in the DLQ; after the fix an operator redrives them from
// the console and the orders complete.
//
// The outage is global (every payment fails while it lasts), so this runs in
// its own project after every other scenario (playwright.config.ts).
// PaymentQueue's 90 s visibility timeout × maxReceiveCount 5 would take ~7
// minutes to dead-letter; for this test the queue redelivers after 10 s (set
// through the AWS endpoint, restored at the end), which changes how soon, not
// whether, a message reaches the DLQ. Not shorter: a redriven message must
// outlast the payment worker's circuit breaker (30 s cool-down after the
// outage) within its five receives, as it does with the real 90 s.

test("sandbox outage → PaymentQueueDlq → redrive from the console → FULFILLED", async ({
  browser,
  request,
}) => {
  test.skip(
    !(await setSandbox(request, "down")),
    "no local fault control (POST /_local/faults): not a local cloud",
  );
  const visibility = await setVisibilityTimeout(request, "PaymentQueue", 10);
  try {
    const token = await devToken(request, users.customer);
    const placed = await Promise.all([
      placeOrder(request, token, { lines: [{ sku: "SKU-CABLE", quantity: 1 }] }),
      placeOrder(request, token, { lines: [{ sku: "SKU-WEBCAM", quantity: 1 }] }),
    ]);
    const orderIds = placed.map((p) => p.body.orderId);

    const ops = await pageAs(browser, "operator");
    await ops.goto("/ops/queues");
    const dlq = ops.getByRole("listitem").filter({ hasText: "PaymentQueueDlq" });
    await expect(dlq).toContainText(/\b[1-9]\d* messages?/, { timeout: 150_000 });
    await dlq.getByRole("button", { name: "Browse" }).click();
    const dlqBrowser = ops.getByRole("region", { name: "PaymentQueueDlq" });
    const letterOf = (orderId: string) =>
      dlqBrowser
        .locator(".letter")
        .filter({ has: ops.locator(`a[href="/ops/orders/${orderId}"]`) });
    // Both orders' payment messages arrive (each after its fifth failed receive).
    await expect(async () => {
      await dlqBrowser.getByRole("button", { name: "Refresh" }).click();
      for (const orderId of orderIds)
        await expect(letterOf(orderId)).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 150_000, intervals: [2_000] });
    // The orders are stuck, not lost: still waiting for their payment.
    for (const orderId of orderIds)
      await waitForStatus(request, token, orderId, ["PROCESSING"], 5_000);
    await expect(letterOf(orderIds[0]!)).toContainText(/received \d+×/);
    // Why it is here: the error the payment worker's last attempt noted.
    await expect(letterOf(orderIds[0]!)).toContainText(/CircuitOpen|ProviderUnavailable/);
    await expectNoSeriousA11yViolations(ops);
    await screenshotAtViewports(ops, "queues-dlq");

    // The provider is back. The first letter is redriven on its own
    // (selected), the rest with "Redrive all" (SQS's move task).
    await setSandbox(request, "up");
    const [first, ...rest] = orderIds as [string, ...string[]];
    await letterOf(first).getByRole("checkbox").check();
    await dlqBrowser.getByRole("button", { name: /Redrive 1 selected/ }).click();
    await expect(ops.getByRole("dialog")).toContainText("back to PaymentQueue");
    await screenshotAtViewports(ops, "queues-redrive-confirm");
    await ops.getByRole("dialog").getByRole("button", { name: "Redrive" }).click();
    await expect(ops.getByRole("status").filter({ hasText: "1 moved" })).toBeVisible();
    await expect(letterOf(first)).toHaveCount(0);
    // The other letters were looked at, not moved: still listed.
    for (const orderId of rest) await expect(letterOf(orderId)).toBeVisible();
    await waitForStatus(request, token, first, ["FULFILLED"], 120_000);

    await dlqBrowser.getByRole("button", { name: "Redrive all" }).click();
    await expect(ops.getByRole("dialog")).toContainText(/All \d+ messages? will be moved/);
    await ops.getByRole("dialog").getByRole("button", { name: "Redrive" }).click();
    await expect(
      ops.getByRole("status").filter({ hasText: /Redrive task started: \d+ moved/ }),
    ).toBeVisible();
    for (const orderId of rest)
      await waitForStatus(request, token, orderId, ["FULFILLED"], 120_000);
    // No dead letter left: the incident is over.
    await expect(dlq).toContainText(/\b0 messages/, { timeout: 30_000 });

    // Each order's timeline tells the incident: where its message went and
    // why, the redrive, then its fulfilment.
    for (const orderId of orderIds) {
      await ops.goto(`/ops/orders/${orderId}`);
      const timeline = ops.locator(".timeline").first();
      await expect(timeline).toContainText(/it goes to PaymentQueueDlq: \S/);
      await expect(timeline).toContainText(/Redriven from PaymentQueueDlq by e2e-ops-olga/);
      await expect(timeline).toContainText(/fulfilled/i);
    }
    // The last one came back through "Redrive all": its incident, as an operator reads it.
    await screenshotAtViewports(ops, "order-detail-redriven");
  } finally {
    await setSandbox(request, "up");
    await setVisibilityTimeout(request, "PaymentQueue", visibility);
  }
});
