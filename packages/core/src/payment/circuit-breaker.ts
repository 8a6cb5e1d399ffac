import { ProviderUnavailable } from "./provider";

// Seed §9.4: when the provider is down, stop hammering it. After
// `failureThreshold` consecutive failures the circuit opens and calls fail
// fast; after `cooldownMs` one trial call is let through (half-open): success
// closes the circuit, failure re-opens it for another cool-down.

export type CircuitState = "closed" | "open" | "half-open";

export class CircuitOpenError extends Error {
  override name = "CircuitOpen";
  constructor(readonly retryAt: number) {
    super(`payment provider circuit is open until ${new Date(retryAt).toISOString()}`);
  }
}

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
  /** Which errors count against the provider (declines and 4xx do not). */
  isFailure?: (error: unknown) => boolean;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly isFailure: (error: unknown) => boolean;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.isFailure = options.isFailure ?? ((error) => error instanceof ProviderUnavailable);
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return "closed";
    return this.now() - this.openedAt >= this.cooldownMs ? "half-open" : "open";
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === "open" || (state === "half-open" && this.trialInFlight)) {
      throw new CircuitOpenError((this.openedAt ?? this.now()) + this.cooldownMs);
    }
    const trial = state === "half-open";
    if (trial) this.trialInFlight = true;
    try {
      const result = await call();
      this.failures = 0;
      this.openedAt = undefined;
      return result;
    } catch (error) {
      if (this.isFailure(error)) {
        this.failures += 1;
        if (trial || this.failures >= this.failureThreshold) this.openedAt = this.now();
      } else if (trial) {
        // The provider answered: it is up, whatever it said.
        this.failures = 0;
        this.openedAt = undefined;
      }
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }
}

/** Wrap every call of a provider in one breaker. */
export function withCircuitBreaker<P extends object>(provider: P, breaker: CircuitBreaker): P {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => breaker.run(() => value.apply(target, args));
    },
  });
}
