import { resolve } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./support/chromium";

// A newcomer's first run: `pnpm dev` on a data folder that has never held a
// console build, then Chromium at its origin. Its own local cloud on its own
// ports and data folder (wiped first, never reused), so it neither meets the
// main suite's cloud on :3000 nor inherits a console built earlier. Run first
// by `pnpm --filter @orders/e2e test`, or alone:
// pnpm --filter @orders/e2e exec playwright test -c playwright.first-run.config.ts
const webPort = Number(process.env.FIRST_RUN_WEB_PORT ?? 3100);
const awsPort = Number(process.env.FIRST_RUN_AWS_PORT ?? 4600);
const dataDir = resolve(import.meta.dirname, ".first-run");

export default defineConfig({
  testDir: "first-run",
  outputDir: "test-results/first-run",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${webPort}`,
    ...devices["Desktop Chrome"],
    launchOptions: chromiumLaunchOptions,
    trace: "retain-on-failure",
  },
  webServer: {
    command: `rm -rf '${dataDir}' && LOCAL_DATA_DIR='${dataDir}' LOCAL_WEB_PORT=${webPort} LOCAL_AWS_PORT=${awsPort} pnpm dev`,
    cwd: "..",
    url: `http://localhost:${webPort}/api/health`,
    // Always this run's own start: the start is what is under test.
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
