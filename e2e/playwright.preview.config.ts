import { defineConfig, devices } from "@playwright/test";

// The console alone: `vite preview` of the built bundle with the API mocked
// by fixtures (preview/mock-api.ts). Checks layout, loading/empty/error
// states and accessibility at phone and desktop widths without the local cloud.
// Run: pnpm --filter @orders/web build && pnpm --filter @orders/e2e test:preview
const port = Number(process.env.PREVIEW_PORT ?? 4173);

export default defineConfig({
  testDir: "preview",
  outputDir: "test-results/preview",
  fullyParallel: true,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    ...devices["Desktop Chrome"],
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
  webServer: {
    command: `pnpm --filter @orders/web exec vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: true,
    cwd: "..",
  },
});
