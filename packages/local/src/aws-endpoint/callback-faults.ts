import { z } from "zod";
import type { Chaos } from "../chaos";

// Faults on the saga's callbacks (SendTaskSuccess / SendTaskFailure through
// :4566), so tests and the soak can make an operator's decision fail to reach
// the saga after it was saved, without a switch in any handler:
//   before-effect  the call answers 503 ServiceUnavailable and changes nothing
//   after-effect   the call takes effect, then answers 503 (its answer is lost:
//                  the caller's retry finds the task closed by its own call)
// Set for the next N calls through the endpoint's control
// (`POST /_local/faults/saga-callbacks {"failNext": N, "when": "before-effect"}`),
// or at chaos mode's rates (`sagaCallbacks` in LOCAL_CHAOS). In memory: a
// restart of the local cloud clears them, as a network blip would pass.

export const callbackActions = new Set(["SendTaskSuccess", "SendTaskFailure"]);

export const CallbackFaultsInput = z.strictObject({
  failNext: z.number().int().min(0).max(1_000_000),
  when: z.enum(["before-effect", "after-effect"]).default("before-effect"),
});
export type CallbackFaultsInput = z.input<typeof CallbackFaultsInput>;

export type CallbackFault = "before-effect" | "after-effect";

export interface CallbackFaults {
  /** Replace the manual fault (failNext 0 clears it). */
  set(input: z.infer<typeof CallbackFaultsInput>): CallbackFaultsState;
  state(): CallbackFaultsState;
  /** The fault for one call of `action`, if any; counts it. */
  take(action: string): CallbackFault | undefined;
}

export interface CallbackFaultsState {
  failNext: number;
  when: CallbackFault;
  /** Callbacks failed so far (manual and chaos), by when. */
  failed: Record<CallbackFault, number>;
}

export function createCallbackFaults(chaos?: Pick<Chaos, "sagaCallback">): CallbackFaults {
  let failNext = 0;
  let when: CallbackFault = "before-effect";
  const failed: Record<CallbackFault, number> = { "before-effect": 0, "after-effect": 0 };
  const state = () => ({ failNext, when, failed: { ...failed } });
  return {
    set(input) {
      failNext = input.failNext;
      when = input.when;
      return state();
    },
    state,
    take(action) {
      if (!callbackActions.has(action)) return undefined;
      let fault: CallbackFault | undefined;
      if (failNext > 0) {
        failNext--;
        fault = when;
      } else fault = chaos?.sagaCallback();
      if (fault) failed[fault]++;
      return fault;
    },
  };
}
