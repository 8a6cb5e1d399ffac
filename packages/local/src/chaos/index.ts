import { readFileSync } from "node:fs";
import { z } from "zod";

// Chaos mode: the failures AWS promises we will meet, on demand, so a soak
// can prove the pipeline survives them (BRIEF §5: exactly-once effects on
// at-least-once delivery). Off unless LOCAL_CHAOS (JSON) or LOCAL_CHAOS_FILE
// (a JSON file) is set. Each hook is a pure decision per delivery, drawn from
// a seeded generator, so a run with the same seed and the same order of
// deliveries makes the same choices. The local cloud calls the hooks at these
// points (see ./README.md):
//
//   SQS mapping          duplicate the batch invocation; crash after the
//                        handler ran, before the delete (redelivered later)
//   EventBridge targets  invoke a target twice
//   DynamoDB streams     invoke a batch twice; crash before the checkpoint
//   DynamoDB calls       latency on every call through the :4566 proxy
//   saga callbacks       SendTaskSuccess/Failure through :4566 failing, before
//                        or after their effect (aws-endpoint/callback-faults.ts)
//   payment and          latency, outages and lost answers in front of each
//   notification         provider's function URL (cloud/function-url.ts)
//   providers

const Rate = z.number().min(0).max(1).default(0);

/** One sandbox provider's faults, applied in front of its function URL per request. */
const ProviderFaults = z
  .strictObject({
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    /**
     * Share of each period the provider's URL answers 503 without reaching it
     * (seed §9.4's failing dependency).
     */
    outageRate: Rate,
    periodMs: z.number().int().min(100).max(600_000).default(10_000),
    /**
     * Share of requests the provider handles whose answer never reaches the
     * caller: the effect happened (a charge, a delivery), the caller cannot
     * record it (a crash between call and record, as the provider's ledger
     * sees it); the retry must be answered from the idempotency key.
     */
    lostResponseRate: Rate,
  })
  .default({ latencyMs: 0, outageRate: 0, periodMs: 10_000, lostResponseRate: 0 });

export const ChaosConfig = z.strictObject({
  seed: z.number().int().default(1),
  sqs: z
    .strictObject({ duplicateRate: Rate, crashAfterEffectRate: Rate })
    .default({ duplicateRate: 0, crashAfterEffectRate: 0 }),
  eventBridge: z.strictObject({ duplicateRate: Rate }).default({ duplicateRate: 0 }),
  streams: z
    .strictObject({ duplicateRate: Rate, crashAfterEffectRate: Rate })
    .default({ duplicateRate: 0, crashAfterEffectRate: 0 }),
  dynamodb: z
    .strictObject({
      latencyMs: z.number().int().min(0).max(10_000).default(0),
      jitterMs: z.number().int().min(0).max(10_000).default(0),
    })
    .default({ latencyMs: 0, jitterMs: 0 }),
  sagaCallbacks: z
    .strictObject({
      /** Share of SendTaskSuccess/Failure calls answered 503 without effect. */
      failureRate: Rate,
      /** Share that take effect, then answer 503: the caller never learns it got through. */
      lostAnswerRate: Rate,
    })
    .default({ failureRate: 0, lostAnswerRate: 0 }),
  paymentProvider: ProviderFaults,
  notificationProvider: ProviderFaults,
});
export type ChaosConfig = z.infer<typeof ChaosConfig>;
/** The chaos config's sandbox providers (their function URLs: cloud/index.ts). */
export type ChaosProvider = "paymentProvider" | "notificationProvider";
export type ChaosInput = z.input<typeof ChaosConfig>;

/** A soak's default: every kind of trouble, none of it rare. */
export const soakChaos: ChaosInput = {
  seed: 7,
  sqs: { duplicateRate: 0.2, crashAfterEffectRate: 0.1 },
  eventBridge: { duplicateRate: 0.2 },
  streams: { duplicateRate: 0.2, crashAfterEffectRate: 0.05 },
  dynamodb: { latencyMs: 2, jitterMs: 5 },
  sagaCallbacks: { failureRate: 0.3, lostAnswerRate: 0.15 },
  paymentProvider: { latencyMs: 20, outageRate: 0.2, periodMs: 5_000 },
  notificationProvider: { latencyMs: 10, outageRate: 0.1, periodMs: 7_000, lostResponseRate: 0.1 },
};

/** mulberry32: small, fast, seedable; good enough to pick failures. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ChaosStats {
  sqsDuplicates: number;
  sqsCrashes: number;
  eventBridgeDuplicates: number;
  streamDuplicates: number;
  streamCrashes: number;
  dynamodbDelays: number;
  sagaCallbackFailures: number;
  sagaCallbackLostAnswers: number;
  paymentOutages: number;
  paymentLostResponses: number;
  notificationOutages: number;
  notificationLostResponses: number;
}

export interface Chaos {
  config: ChaosConfig;
  /** One SQS batch: invoke it twice? drop the delete after the handler ran? */
  sqsBatch(queue: string): { duplicate: boolean; crashAfterEffect: boolean };
  /** One EventBridge target invocation: deliver it twice? */
  eventBridgeTarget(targetArn: string): { duplicate: boolean };
  /** One stream batch: invoke it twice? skip the checkpoint after it ran? */
  streamBatch(mapping: string): { duplicate: boolean; crashAfterEffect: boolean };
  /** Milliseconds to hold one DynamoDB call. */
  dynamodbDelayMs(): number;
  /** One SendTaskSuccess/Failure call: fail it before its effect, after it, or not at all? */
  sagaCallback(): "before-effect" | "after-effect" | undefined;
  /** Faults for one request to a sandbox provider's function URL at `now` (ms). */
  providerRequest(
    provider: ChaosProvider,
    now: number,
  ): { outage: boolean; latencyMs: number; loseResponse: boolean };
  stats(): ChaosStats;
}

export function createChaos(input: ChaosInput): Chaos {
  const config = ChaosConfig.parse(input);
  const random = seededRandom(config.seed);
  const hit = (rate: number) => rate > 0 && random() < rate;
  const stats: ChaosStats = {
    sqsDuplicates: 0,
    sqsCrashes: 0,
    eventBridgeDuplicates: 0,
    streamDuplicates: 0,
    streamCrashes: 0,
    dynamodbDelays: 0,
    sagaCallbackFailures: 0,
    sagaCallbackLostAnswers: 0,
    paymentOutages: 0,
    paymentLostResponses: 0,
    notificationOutages: 0,
    notificationLostResponses: 0,
  };
  return {
    config,
    sqsBatch() {
      const duplicate = hit(config.sqs.duplicateRate);
      const crashAfterEffect = hit(config.sqs.crashAfterEffectRate);
      if (duplicate) stats.sqsDuplicates++;
      if (crashAfterEffect) stats.sqsCrashes++;
      return { duplicate, crashAfterEffect };
    },
    eventBridgeTarget() {
      const duplicate = hit(config.eventBridge.duplicateRate);
      if (duplicate) stats.eventBridgeDuplicates++;
      return { duplicate };
    },
    streamBatch() {
      const duplicate = hit(config.streams.duplicateRate);
      const crashAfterEffect = hit(config.streams.crashAfterEffectRate);
      if (duplicate) stats.streamDuplicates++;
      if (crashAfterEffect) stats.streamCrashes++;
      return { duplicate, crashAfterEffect };
    },
    dynamodbDelayMs() {
      const { latencyMs, jitterMs } = config.dynamodb;
      if (latencyMs === 0 && jitterMs === 0) return 0;
      stats.dynamodbDelays++;
      return latencyMs + Math.floor(random() * (jitterMs + 1));
    },
    sagaCallback() {
      const { failureRate, lostAnswerRate } = config.sagaCallbacks;
      if (hit(failureRate)) {
        stats.sagaCallbackFailures++;
        return "before-effect";
      }
      if (hit(lostAnswerRate)) {
        stats.sagaCallbackLostAnswers++;
        return "after-effect";
      }
      return undefined;
    },
    providerRequest(provider, now) {
      const { latencyMs, outageRate, periodMs, lostResponseRate } = config[provider];
      // The first `outageRate` of every period is an outage: long enough for
      // retries and the circuit breaker to notice, short enough to recover.
      const outage = outageRate > 0 && now % periodMs < outageRate * periodMs;
      const loseResponse = !outage && hit(lostResponseRate);
      const counted = provider === "paymentProvider" ? "payment" : "notification";
      if (outage) stats[`${counted}Outages`]++;
      if (loseResponse) stats[`${counted}LostResponses`]++;
      return { outage, latencyMs, loseResponse };
    },
    stats: () => ({ ...stats }),
  };
}

/** LOCAL_CHAOS (JSON) or LOCAL_CHAOS_FILE; undefined when neither is set: chaos is off. */
export function chaosFromEnv(env: NodeJS.ProcessEnv = process.env): Chaos | undefined {
  const text = env.LOCAL_CHAOS_FILE
    ? readFileSync(env.LOCAL_CHAOS_FILE, "utf8")
    : env.LOCAL_CHAOS?.trim();
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("LOCAL_CHAOS: not JSON");
  }
  const parsed = ChaosConfig.safeParse(json);
  if (!parsed.success) throw new Error(`LOCAL_CHAOS: ${parsed.error.message}`);
  return createChaos(parsed.data);
}

// ─── Adapters the local cloud wires in ───────────────────────────────────────

/** Wraps an EventBridge target deliverer so chosen invocations happen twice. */
export function withEventBridgeChaos<
  S,
  D extends {
    sqs(arn: string, body: string, source: S, attributes?: Record<string, string>): Promise<void>;
    sns(arn: string, message: string, source: S): Promise<void>;
    stepFunctions(arn: string, input: string, source: S): Promise<void>;
    lambda(arn: string, payload: string, source: S): Promise<void>;
  },
>(deliver: D, chaos: Chaos | undefined): D {
  if (!chaos) return deliver;
  const twice =
    <A extends unknown[]>(fn: (arn: string, ...rest: A) => Promise<void>) =>
    async (arn: string, ...rest: A) => {
      await fn(arn, ...rest);
      if (chaos.eventBridgeTarget(arn).duplicate) await fn(arn, ...rest);
    };
  return {
    ...deliver,
    // DLQ sends carry attributes: they are EventBridge's own, not a target's.
    sqs: (arn: string, body: string, source: S, attributes?: Record<string, string>) =>
      attributes
        ? deliver.sqs(arn, body, source, attributes)
        : twice(deliver.sqs.bind(deliver))(arn, body, source),
    sns: twice(deliver.sns.bind(deliver)),
    stepFunctions: twice(deliver.stepFunctions.bind(deliver)),
    lambda: twice(deliver.lambda.bind(deliver)),
  };
}

export const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve();
