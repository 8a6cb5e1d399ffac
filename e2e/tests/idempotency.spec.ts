import { expect, test } from "@playwright/test";
import { bearer, devToken, placeOrder } from "../support/local-cloud";
import { users } from "../support/users";

test("the same Idempotency-Key twice makes one order", async ({ request }) => {
  const token = await devToken(request, users.customer);
  const ops = await devToken(request, users.operator);
  const key = `e2e-${crypto.randomUUID()}`;
  const order = { lines: [{ sku: "SKU-DESK-MAT", quantity: 2 }] };
  const [first, second] = await Promise.all([
    placeOrder(request, token, order, key),
    placeOrder(request, token, order, key),
  ]);
  expect(first.response.status()).toBe(202);
  expect(second.response.status()).toBe(202);
  expect(second.body.orderId).toBe(first.body.orderId);

  const listed = await request.get(`/api/admin/orders?customerId=${users.customer.sub}&limit=100`, {
    headers: bearer(ops),
  });
  const items = ((await listed.json()) as { items: { orderId: string }[] }).items;
  expect(items.filter((o) => o.orderId === first.body.orderId)).toHaveLength(1);

  const reused = await placeOrder(
    request,
    token,
    { lines: [{ sku: "SKU-DESK-MAT", quantity: 3 }] },
    key,
  );
  expect(reused.response.status()).toBeGreaterThanOrEqual(400);
  expect(reused.response.status()).toBeLessThan(500);
  expect(reused.body.code).toBe("IDEMPOTENCY_KEY_REUSED");
});
