import { describe, expect, it } from "vitest";
import { chaosFromEnv, createChaos, withEventBridgeChaos } from ".";

// Chaos decisions are pure and seeded: off by default, reproducible, at the
// configured rates, and never applied to EventBridge's own DLQ sends.

describe("chaos mode", () => {
  it("is off unless LOCAL_CHAOS or LOCAL_CHAOS_FILE is set, and refuses a config it cannot read", () => {
    expect(chaosFromEnv({})).toBeUndefined();
    expect(chaosFromEnv({ LOCAL_CHAOS: " " })).toBeUndefined();
    expect(() => chaosFromEnv({ LOCAL_CHAOS: "{nope" })).toThrow(/not JSON/);
    expect(() => chaosFromEnv({ LOCAL_CHAOS: '{"sqs":{"duplicateRate":2}}' })).toThrow(
      /LOCAL_CHAOS/,
    );
    expect(() => chaosFromEnv({ LOCAL_CHAOS: '{"sqss":{}}' })).toThrow(/LOCAL_CHAOS/);
    expect(chaosFromEnv({ LOCAL_CHAOS: '{"sqs":{"duplicateRate":0.5}}' })?.config.sqs).toEqual({
      duplicateRate: 0.5,
      crashAfterEffectRate: 0,
    });
  });

  it("makes the same choices for the same seed, at about the configured rate", () => {
    const draw = (seed: number) => {
      const chaos = createChaos({ seed, sqs: { duplicateRate: 0.25, crashAfterEffectRate: 0.1 } });
      return Array.from({ length: 4_000 }, () => chaos.sqsBatch("PaymentQueue"));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
    const choices = draw(3);
    const dup = choices.filter((c) => c.duplicate).length / choices.length;
    const crash = choices.filter((c) => c.crashAfterEffect).length / choices.length;
    expect(dup).toBeGreaterThan(0.2);
    expect(dup).toBeLessThan(0.3);
    expect(crash).toBeGreaterThan(0.07);
    expect(crash).toBeLessThan(0.13);
  });

  it("a zero rate never fires", () => {
    const chaos = createChaos({});
    for (let i = 0; i < 1_000; i++) {
      expect(chaos.sqsBatch("q")).toEqual({ duplicate: false, crashAfterEffect: false });
      expect(chaos.streamBatch("s")).toEqual({ duplicate: false, crashAfterEffect: false });
      expect(chaos.eventBridgeTarget("t").duplicate).toBe(false);
      expect(chaos.dynamodbDelayMs()).toBe(0);
    }
    expect(chaos.providerRequest("paymentProvider", Date.now())).toEqual({
      outage: false,
      latencyMs: 0,
      loseResponse: false,
    });
  });

  it("payment outages cover the configured share of each period", () => {
    const chaos = createChaos({ paymentProvider: { outageRate: 0.3, periodMs: 1_000 } });
    const down = Array.from(
      { length: 1_000 },
      (_, t) => chaos.providerRequest("paymentProvider", t).outage,
    );
    expect(down.filter(Boolean).length).toBe(300);
    expect(chaos.providerRequest("paymentProvider", 250).outage).toBe(true);
    expect(chaos.providerRequest("paymentProvider", 1_700).outage).toBe(false);
    // The notification provider's schedule is its own.
    expect(chaos.providerRequest("notificationProvider", 250).outage).toBe(false);
    expect(chaos.stats()).toMatchObject({ paymentOutages: 301, notificationOutages: 0 });
  });

  it("notification provider: outages by period, lost answers only while it is up", () => {
    const off = createChaos({});
    expect(off.providerRequest("notificationProvider", 0)).toEqual({
      outage: false,
      latencyMs: 0,
      loseResponse: false,
    });
    const chaos = createChaos({
      notificationProvider: { outageRate: 0.5, periodMs: 1_000, lostResponseRate: 1, latencyMs: 5 },
    });
    expect(chaos.providerRequest("notificationProvider", 100)).toEqual({
      outage: true,
      latencyMs: 5,
      loseResponse: false,
    });
    expect(chaos.providerRequest("notificationProvider", 700)).toEqual({
      outage: false,
      latencyMs: 5,
      loseResponse: true,
    });
    expect(chaos.stats()).toMatchObject({ notificationOutages: 1, notificationLostResponses: 1 });
  });

  it("duplicates chosen target invocations, never EventBridge's own DLQ sends", async () => {
    const calls: string[] = [];
    const deliver = {
      sqs: async (
        arn: string,
        _body: string,
        _source: { ruleArn: string },
        attributes?: Record<string, string>,
      ) => void calls.push(`sqs:${arn}${attributes ? ":dlq" : ""}`),
      sns: async (arn: string, _message: string, _source: { ruleArn: string }) =>
        void calls.push(`sns:${arn}`),
      stepFunctions: async (arn: string, _input: string, _source: { ruleArn: string }) =>
        void calls.push(`sfn:${arn}`),
      lambda: async (arn: string, _payload: string, _source: { ruleArn: string }) =>
        void calls.push(`lambda:${arn}`),
    };
    expect(withEventBridgeChaos(deliver, undefined)).toBe(deliver);
    const always = withEventBridgeChaos(
      deliver,
      createChaos({ eventBridge: { duplicateRate: 1 } }),
    );
    const rule = { ruleArn: "arn:aws:events:us-east-1:000000000000:rule/r" };
    await always.sqs("q", "{}", rule);
    await always.sqs("dlq", "{}", rule, { ERROR_CODE: "x" });
    await always.stepFunctions("m", "{}", rule);
    expect(calls).toEqual(["sqs:q", "sqs:q", "sqs:dlq:dlq", "sfn:m", "sfn:m"]);
  });
});
