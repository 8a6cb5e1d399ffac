import type { LaunchOptions } from "@playwright/test";

// The system Chromium (Playwright's own download fails on these machines),
// quiet: no background networking, updates or sync to compete with the tests.
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};
