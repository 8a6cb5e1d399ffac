import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { signInAs } from "../support/session";
import { screenshotAtViewports } from "../support/viewports";
import { fixtures, mockApi } from "./mock-api";

const operator = { sub: "ops-1", groups: ["ops"], email: "ops@example.test" };
const customer = { sub: "customer-1", groups: [], email: "ann@example.test" };
const { ORDER, ARN } = fixtures.ids;

const pages = [
  { name: "shop", path: "/shop", heading: "Shop", ready: "Mechanical keyboard" },
  {
    name: "order-tracking",
    path: `/shop/orders/${ORDER}`,
    heading: /Order ord_/,
    ready: "Updating live",
  },
  { name: "overview", path: "/ops", heading: "Overview", ready: "PaymentQueueDlq" },
  {
    name: "orders",
    path: "/ops/orders?by=status&q=FULFILLED",
    heading: "Orders",
    ready: "ord_4f1c",
  },
  {
    name: "order-detail",
    path: `/ops/orders/${ORDER}`,
    heading: /Order ord_/,
    ready: "Timeline: every hop",
  },
  {
    name: "approvals",
    path: "/ops/approvals",
    heading: "Approvals",
    ready: "exceeds the approval threshold",
  },
  { name: "queues", path: "/ops/queues", heading: "Queues", ready: "Dead-letter queues" },
  { name: "replay", path: "/ops/replay", heading: "Replay", ready: "ops-alice-1764180000000" },
  { name: "executions", path: "/ops/executions", heading: "Saga executions", ready: `${ORDER}-1` },
  {
    name: "execution-detail",
    path: `/ops/executions/${encodeURIComponent(ARN)}`,
    heading: /ord_/,
    ready: "State by state",
  },
];

test.describe("with data", () => {
  for (const p of pages) {
    test(`${p.name}: renders, has no serious a11y violations`, async ({ page, baseURL }) => {
      await signInAs(page, baseURL!, operator);
      await mockApi(page);
      await page.goto(p.path);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
      await expect(page.getByText(p.ready).first()).toBeVisible();
      await expectNoSeriousA11yViolations(page);
      await screenshotAtViewports(page, `preview-${p.name}`);
    });
  }

  test("order detail: the saga graph highlights the path taken", async ({ page, baseURL }) => {
    await signInAs(page, baseURL!, operator);
    await mockApi(page);
    await page.goto(`/ops/orders/${ORDER}`);
    const graph = page.getByRole("img", {
      name: /path taken ClaimOrder → IsFirstSaga → ReserveInventory/,
    });
    await expect(graph).toBeVisible();
    await expect(page.locator(".node-visited")).toHaveCount(7);
    await page.getByRole("button", { name: "Load logs" }).click();
    await expect(page.locator("table.logs").getByText("payment captured")).toBeVisible();
  });

  test("queues: browsing a DLQ and confirming a redrive says what will happen", async ({
    page,
    baseURL,
  }) => {
    await signInAs(page, baseURL!, operator);
    await mockApi(page);
    await page.goto("/ops/queues");
    await page
      .getByRole("listitem")
      .filter({ hasText: "PaymentQueueDlq" })
      .getByRole("button", { name: "Browse" })
      .click();
    await expect(page.getByText("SDK_CLIENT_ERROR").first()).toBeVisible();
    await page.getByRole("button", { name: "Redrive all" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("moved from PaymentQueueDlq back to PaymentQueue");
    await expectNoSeriousA11yViolations(page);
    await screenshotAtViewports(page, "preview-queues-redrive-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });

  test("queues and executions show the deployment's physical names beside the topology's", async ({
    page,
    baseURL,
  }) => {
    await signInAs(page, baseURL!, operator);
    await mockApi(page);
    await page.goto("/ops/queues");
    await expect(page.getByRole("rowheader", { name: /^PaymentQueue / })).toContainText(
      "orders-local-PaymentQueueQueue-xxuuzhxd",
    );
    await expect(page.getByRole("listitem").filter({ hasText: "PaymentQueueDlq" })).toContainText(
      "orders-local-PaymentQueueDlqQueue-uhccrsnv",
    );
    await page.goto("/ops/executions");
    await expect(page.getByText("orders-local-FulfillmentSaga", { exact: true })).toBeVisible();
  });
});

test.describe("empty", () => {
  for (const p of pages.filter((p) =>
    ["overview", "orders", "approvals", "executions", "replay", "shop"].includes(p.name),
  )) {
    test(`${p.name}: empty state`, async ({ page, baseURL }) => {
      await signInAs(page, baseURL!, operator);
      await mockApi(page, { empty: true });
      await page.goto(p.path);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
      await expect(page.locator(".state-empty").first()).toBeVisible();
      await screenshotAtViewports(page, `preview-${p.name}-empty`);
    });
  }
});

test.describe("API absent", () => {
  for (const p of pages.filter((p) =>
    ["overview", "queues", "replay", "approvals", "shop"].includes(p.name),
  )) {
    test(`${p.name}: error state with the API's code`, async ({ page, baseURL }) => {
      await signInAs(page, baseURL!, operator);
      await page.route("**/api/**", (route) =>
        route.fulfill({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({ code: "UNAVAILABLE", message: "The local cloud is not running" }),
        }),
      );
      await page.goto(p.path);
      await expect(page.getByRole("alert").first()).toContainText("UNAVAILABLE", {
        timeout: 15_000,
      });
      await expectNoSeriousA11yViolations(page);
      await screenshotAtViewports(page, `preview-${p.name}-error`);
    });
  }
});

test.describe("access", () => {
  test("a customer sees no ops navigation and a clear 403 on ops pages", async ({
    page,
    baseURL,
  }) => {
    await signInAs(page, baseURL!, customer);
    await mockApi(page);
    await page.goto("/shop");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Shop" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Approvals" })).toHaveCount(0);
    await page.goto("/ops/approvals");
    await expect(page.getByRole("heading", { name: "Operators only" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await screenshotAtViewports(page, "preview-forbidden");
  });

  test("signed out: the sign-in page", async ({ page }) => {
    await page.goto("/ops");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await screenshotAtViewports(page, "preview-sign-in");
  });
});
