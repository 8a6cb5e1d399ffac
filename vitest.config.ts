import { defineConfig } from "vitest/config";

// One runner for the repo. Unit tests sit next to the code; integration tests
// (`*.integration.test.ts`) talk to real local engines (DynamoDB Local, fauxqs,
// our EventBridge and Step Functions) and get longer timeouts.
export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "infra/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The local cloud names its resources from the synthesized graph: build it once, up front.
    globalSetup: ["./scripts/vitest-graph-setup.ts"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
