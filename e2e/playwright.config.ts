import { resolve } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./support/chromium";

// The whole system in a browser: the local cloud (`pnpm dev` from the repo
// root) serving the console, the APIs and the OIDC provider on one origin.
// A setup project signs each test user in once through the provider's login
// page and saves their storageState; scenarios reuse them.
//
// E2E_BASE_URL=https://… targets a deployed stage instead: no local cloud is
// started, and scenarios that need local controls (fault injection) skip.
const deployed = process.env.E2E_BASE_URL;
const baseURL = deployed ?? "http://localhost:3000";

// A fresh data folder per run, so no run inherits orders, queues or sagas.
// Fixed (and wiped first) rather than a new temp folder each time, so a run
// killed halfway leaves nothing to clean up but this one folder.
const dataDir = resolve(import.meta.dirname, ".local-cloud");

export default defineConfig({
  testDir: ".",
  outputDir: "test-results/e2e",
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // Two cores run the local cloud (DynamoDB Local, the handlers' workers) and
  // Chromium: two workers keep both busy without starving the pipeline.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    ...devices["Desktop Chrome"],
    launchOptions: chromiumLaunchOptions,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "setup", testMatch: /setup\/.*\.setup\.ts/ },
    { name: "scenarios", testMatch: /tests\/.*\.spec\.ts/, dependencies: ["setup"] },
    // A payment provider outage fails every order's payment while it lasts:
    // it runs alone, after the other scenarios.
    { name: "outage", testMatch: /outage\/.*\.spec\.ts/, dependencies: ["scenarios"] },
  ],
  webServer: deployed
    ? undefined
    : {
        // `pnpm dev` builds the console into the data folder as it starts.
        command: `rm -rf '${dataDir}' && LOCAL_DATA_DIR='${dataDir}' pnpm dev`,
        cwd: "..",
        url: `${baseURL}/api/health`,
        reuseExistingServer: !process.env.CI,
        timeout: 240_000,
        // Every handler's log lines are in e2e/.local-cloud/logs.sqlite (by
        // correlation id); echoing them here would bury the test report.
        stdout: "ignore",
        stderr: "pipe",
        // SIGTERM lets the local cloud stop its engines; Playwright then
        // kills whatever is left of the process group.
        gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
      },
});
