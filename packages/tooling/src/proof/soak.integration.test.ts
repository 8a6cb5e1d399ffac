import { soakChaos } from "@orders/local/chaos/index";
import { describe, expect, it } from "vitest";
import { runSoak } from "./soak";

// A small soak in the test suite: 30 mixed orders through a chaos-mode local
// cloud that is SIGKILLed and restarted once mid-run. Every accepted order
// must settle and every invariant must hold on the stored state and the
// provider's ledger. Bounded: the settle wait gives up, and the checker then
// reports the unsettled orders as violations.

describe("soak", () => {
  it("30 orders, chaos on, one SIGKILL: every order settles and no invariant breaks", async () => {
    const { report, figures } = await runSoak({
      orders: 30,
      kills: 1,
      concurrency: 4,
      approvalTimeoutSeconds: 20,
      // A failed payment comes round in 20 s (the worker's timeout is 15 s), not 90.
      visibilityTimeoutSeconds: 20,
      chaos: soakChaos,
      quiesceTimeoutMs: 360_000,
      log: () => {},
    });
    expect(report.violations).toEqual([]);
    expect(figures).toMatchObject({ accepted: 30, restarts: 1 });
    expect(report.counts).toMatchObject({ orders: 30, pendingApprovals: 0 });
  }, 600_000);
});
