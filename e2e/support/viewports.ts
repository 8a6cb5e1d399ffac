import type { Page } from "@playwright/test";

export const viewports = [
  { name: "390", width: 390, height: 844 },
  { name: "1280", width: 1280, height: 800 },
] as const;

/** Full-page screenshot at each viewport into e2e/artifacts/<name>-<width>.png. */
export async function screenshotAtViewports(page: Page, name: string) {
  for (const viewport of viewports) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `artifacts/${name}-${viewport.name}.png`, fullPage: true });
  }
}
