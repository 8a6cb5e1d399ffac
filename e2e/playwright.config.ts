import { defineConfig, devices } from "@playwright/test";

// The whole system in a browser: the local cloud (`pnpm dev` from the repo
// root) serving the console, the APIs and the OIDC provider on one origin.
// A setup project signs each test user in once through the provider's login
// page and saves their storageState; scenarios reuse them.
const baseURL = process.env.E2E_BASE_URL ?? "http://localhost:3000";

export default defineConfig({
  testDir: ".",
  outputDir: "test-results/e2e",
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 2,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    ...devices["Desktop Chrome"],
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "setup", testMatch: /setup\/.*\.setup\.ts/ },
    { name: "scenarios", testMatch: /tests\/.*\.spec\.ts/, dependencies: ["setup"] },
  ],
  webServer: {
    command: "pnpm dev",
    cwd: "..",
    url: `${baseURL}/api/health`,
    reuseExistingServer: true,
    timeout: 240_000,
    stdout: "pipe",
  },
});
