import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./support/chromium";

// The console alone: `vite preview` of the built bundle with the API mocked
// by fixtures (preview/mock-api.ts). Checks layout, loading/empty/error
// states and accessibility at phone and desktop widths without the local cloud.
// States the real suite cannot produce on demand (API down, empty lists,
// loading) — run after it by `pnpm --filter @orders/e2e test`, or alone:
// pnpm --filter @orders/e2e test:preview (builds the console first).
const port = Number(process.env.PREVIEW_PORT ?? 4173);

export default defineConfig({
  testDir: "preview",
  outputDir: "test-results/preview",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    ...devices["Desktop Chrome"],
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    command: `pnpm --filter @orders/web build && pnpm --filter @orders/web exec vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    stdout: "ignore",
    cwd: "..",
  },
});
