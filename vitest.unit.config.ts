import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// `pnpm test:unit`: the whole Vitest suite less the tests that need an engine
// (DynamoDB Local, fauxqs, the local cloud, the AWS CLI). Those are named
// `*.integration.test.ts`, wherever they live, so the tier follows files as
// they move. The offline synth (infra/graph.test.ts) stays: it is SST's
// platform under Pulumi's mocks, no engine and no network, a few seconds.
// ORDERS_TEST_TIER makes an engine's starter refuse, so a misnamed file fails here, loudly.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ["**/*.integration.test.ts"],
      env: { ORDERS_TEST_TIER: "unit" },
      // Most of this tier's time is Step Functions timers and child processes waiting, not CPU:
      // four files at once on two cores take it from 1 min 45 s to about 45 s.
      maxWorkers: 4,
    },
  }),
);
