// Retry delays and error matching, as the ASL spec computes them.
import { describe, expect, it } from "vitest";
import { findCatcher, retryDelayMs } from "./retry-policy";

const task = (retry: object[], katch: object[] = []) =>
  ({ Type: "Task", Retry: retry, Catch: katch }) as never;
const err = (name: string) => ({ Error: name, Cause: "" });

describe("retryDelayMs", () => {
  it("backs off by BackoffRate, caps at MaxDelaySeconds and stops after MaxAttempts", () => {
    const state = task([
      {
        ErrorEquals: ["E"],
        IntervalSeconds: 2,
        BackoffRate: 3,
        MaxDelaySeconds: 10,
        MaxAttempts: 4,
      },
    ]);
    const delays = [0, 1, 2, 3].map((n) => retryDelayMs(state, err("E"), [n])?.delayMs);
    expect(delays).toEqual([2000, 6000, 10000, 10000]);
    expect(retryDelayMs(state, err("E"), [4])).toBeUndefined();
  });

  it("uses defaults of 1 s, rate 2, three attempts; MaxAttempts 0 never retries", () => {
    expect(retryDelayMs(task([{ ErrorEquals: ["E"] }]), err("E"), [2])?.delayMs).toBe(4000);
    expect(retryDelayMs(task([{ ErrorEquals: ["E"] }]), err("E"), [3])).toBeUndefined();
    expect(
      retryDelayMs(task([{ ErrorEquals: ["E"], MaxAttempts: 0 }]), err("E"), []),
    ).toBeUndefined();
  });

  it("draws FULL jitter uniformly below the computed delay", () => {
    const state = task([{ ErrorEquals: ["E"], IntervalSeconds: 4, JitterStrategy: "FULL" }]);
    expect(retryDelayMs(state, err("E"), [0], () => 0.25)?.delayMs).toBe(1000);
  });

  it("lets the first matching retrier decide, and never retries States.Runtime", () => {
    const state = task([
      { ErrorEquals: ["E"], MaxAttempts: 1 },
      { ErrorEquals: ["States.ALL"], IntervalSeconds: 5 },
    ]);
    expect(retryDelayMs(state, err("E"), [1])).toBeUndefined();
    expect(retryDelayMs(state, err("Other"), [])?.retrier).toBe(1);
    expect(retryDelayMs(state, err("States.Runtime"), [])).toBeUndefined();
  });
});

describe("findCatcher", () => {
  it("matches States.TaskFailed for task errors except States.Timeout", () => {
    const state = task(
      [],
      [
        { ErrorEquals: ["States.TaskFailed"], Next: "A" },
        { ErrorEquals: ["States.ALL"], Next: "B" },
      ],
    );
    expect(findCatcher(state, err("Lambda.ServiceException"))?.Next).toBe("A");
    expect(findCatcher(state, err("States.Timeout"))?.Next).toBe("B");
    expect(findCatcher(state, err("States.Runtime"))).toBeUndefined();
  });
});
