import { expect, type Page } from "@playwright/test";

export const viewports = [
  { name: "390", width: 390, height: 844 },
  { name: "1280", width: 1280, height: 800 },
] as const;

/**
 * Full-page screenshot at each viewport into e2e/artifacts/<name>-<width>.png,
 * after checking what a user would notice first: nothing wider than the
 * screen (no sideways scrolling of the page), and at desktop width the saga
 * graph whole in its card, not clipped behind a scrollbar.
 */
export async function screenshotAtViewports(page: Page, name: string) {
  for (const viewport of viewports) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.waitForTimeout(150);
    const overflow = await page
      .locator("html")
      .evaluate((html) => html.scrollWidth - html.clientWidth);
    expect(overflow, `${name} at ${viewport.name} px scrolls sideways by ${overflow} px`).toBe(0);
    if (viewport.width >= 1280) {
      for (const graph of await page.locator(".saga-scroll").all()) {
        const clipped = await graph.evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(clipped, `${name}: the saga graph is clipped by ${clipped} px`).toBeLessThanOrEqual(
          0,
        );
      }
    }
    // From the top: the sticky header would otherwise sit mid-image in a full-page shot.
    await page.locator("html").evaluate((html) => html.scrollTo(0, 0));
    await page.screenshot({ path: `artifacts/${name}-${viewport.name}.png`, fullPage: true });
  }
}
