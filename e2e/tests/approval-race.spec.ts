import { expect, test } from "@playwright/test";
import { pageAs } from "../support/contexts";
import { bearer, devToken, placeOrder, waitForStatus } from "../support/local-cloud";
import { users } from "../support/users";

test("two operators racing on one approval: one decision wins, the other is told", async ({
  browser,
  request,
}) => {
  const customer = await devToken(request, users.customer);
  const { body } = await placeOrder(request, customer, {
    lines: [{ sku: "SKU-WORKSTATION", quantity: 1 }],
  });
  await waitForStatus(request, customer, body.orderId, ["AWAITING_APPROVAL"], 90_000);

  const [olga, oscar] = await Promise.all([
    pageAs(browser, "operator"),
    pageAs(browser, "secondOperator"),
  ]);
  await Promise.all([olga.goto("/ops/approvals"), oscar.goto("/ops/approvals")]);
  const itemFor = (page: typeof olga) =>
    page
      .getByRole("listitem")
      .filter({ has: page.locator(`a[href="/ops/orders/${body.orderId}"]`) });
  await Promise.all([expect(itemFor(olga)).toBeVisible(), expect(itemFor(oscar)).toBeVisible()]);
  await itemFor(oscar).getByLabel("Comment (required to reject)").fill("Looks fraudulent");

  await Promise.all([
    itemFor(olga).getByRole("button", { name: "Approve" }).click(),
    itemFor(oscar).getByRole("button", { name: "Reject" }).click(),
  ]);

  // Exactly one of them sees the conflict; the other's item simply leaves.
  const conflicts = await Promise.all(
    [olga, oscar].map((page) =>
      page
        .getByText("Someone else got there first, or the deadline passed")
        .waitFor({ timeout: 10_000 })
        .then(() => 1)
        .catch(() => 0),
    ),
  );
  expect(conflicts.reduce((a, b) => a + b, 0)).toBe(1);

  const final = await waitForStatus(
    request,
    customer,
    body.orderId,
    ["FULFILLED", "CANCELLED"],
    120_000,
  );
  const ops = await devToken(request, users.operator);
  const decided = await request.get(`/api/admin/orders/${body.orderId}`, { headers: bearer(ops) });
  const approval = (
    (await decided.json()) as { order: { approval: { status: string; decidedBy: string } } }
  ).order.approval;
  expect(final === "FULFILLED" ? "APPROVED" : "REJECTED").toBe(approval.status);
});

test("the API gives the loser of a race 409 with a stable code", async ({ request }) => {
  const customer = await devToken(request, users.customer);
  const { body } = await placeOrder(request, customer, {
    lines: [{ sku: "SKU-WORKSTATION", quantity: 1 }],
  });
  await waitForStatus(request, customer, body.orderId, ["AWAITING_APPROVAL"], 90_000);
  const [a, b] = await Promise.all([
    devToken(request, users.operator),
    devToken(request, users.secondOperator),
  ]);
  const decide = (token: string, decision: string) =>
    request.post(`/api/admin/approvals/${body.orderId}/decision`, {
      headers: bearer(token),
      data: { decision, comment: "race test" },
    });
  const responses = await Promise.all([decide(a, "APPROVE"), decide(b, "REJECT")]);
  const statuses = responses.map((r) => r.status()).sort();
  expect(statuses).toEqual([200, 409]);
  const loser = responses.find((r) => r.status() === 409)!;
  expect(((await loser.json()) as { code: string }).code).toBe("ALREADY_DECIDED");
});
