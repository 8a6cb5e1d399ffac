import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError } from "./circuit-breaker";
import { ProviderRejected, ProviderUnavailable } from "./provider";

const down = () => Promise.reject(new ProviderUnavailable("503"));
const up = () => Promise.resolve("ok");

function breakerWithClock() {
  let now = 0;
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, now: () => now });
  return { breaker, advance: (ms: number) => (now += ms) };
}

describe("circuit breaker", () => {
  it("opens after N consecutive failures and then fails fast without calling", async () => {
    const { breaker } = breakerWithClock();
    for (let i = 0; i < 3; i++)
      await expect(breaker.run(down)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(breaker.state).toBe("open");
    let called = false;
    await expect(
      breaker.run(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
  });

  it("a success resets the count: failures must be consecutive", async () => {
    const { breaker } = breakerWithClock();
    await expect(breaker.run(down)).rejects.toThrow();
    await expect(breaker.run(down)).rejects.toThrow();
    await breaker.run(up);
    await expect(breaker.run(down)).rejects.toThrow();
    expect(breaker.state).toBe("closed");
  });

  it("does not count a provider's refusal (4xx, decline) as a failure", async () => {
    const { breaker } = breakerWithClock();
    for (let i = 0; i < 5; i++) {
      await expect(
        breaker.run(() => Promise.reject(new ProviderRejected("no", "INVALID_STATE", 409))),
      ).rejects.toThrow();
    }
    expect(breaker.state).toBe("closed");
  });

  it("half-opens after the cool-down: one trial, success closes", async () => {
    const { breaker, advance } = breakerWithClock();
    for (let i = 0; i < 3; i++) await expect(breaker.run(down)).rejects.toThrow();
    advance(999);
    expect(breaker.state).toBe("open");
    advance(1);
    expect(breaker.state).toBe("half-open");
    let release!: () => void;
    const trial = breaker.run(
      () =>
        new Promise<string>((r) => {
          release = () => r("ok");
        }),
    );
    // While the trial is in flight, others still fail fast.
    await expect(breaker.run(up)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await expect(trial).resolves.toBe("ok");
    expect(breaker.state).toBe("closed");
  });

  it("a failed trial re-opens for a full cool-down", async () => {
    const { breaker, advance } = breakerWithClock();
    for (let i = 0; i < 3; i++) await expect(breaker.run(down)).rejects.toThrow();
    advance(1_000);
    await expect(breaker.run(down)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(breaker.state).toBe("open");
    advance(500);
    await expect(breaker.run(up)).rejects.toBeInstanceOf(CircuitOpenError);
    advance(500);
    await expect(breaker.run(up)).resolves.toBe("ok");
  });
});
