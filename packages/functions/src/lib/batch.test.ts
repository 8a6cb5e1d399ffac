import { describe, expect, it, vi } from "vitest";
import { beforeDeadline, RecordUnfinished } from "./batch";

const remaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
const never = () => new Promise<string>(() => {});

describe("beforeDeadline", () => {
  it("passes a record's result through when it finishes in time", async () => {
    const handle = beforeDeadline(remaining(5_000), async (n: number) => n * 2);
    await expect(handle(21)).resolves.toBe(42);
  });

  it("passes a record's own error through", async () => {
    const handle = beforeDeadline(remaining(5_000), async () => {
      throw new TypeError("bad record");
    });
    await expect(handle(1)).rejects.toThrow(TypeError);
  });

  it("gives up on a record still running at the deadline less the margin, not before", async () => {
    vi.useFakeTimers();
    try {
      const handle = beforeDeadline(remaining(300), never, 200);
      let outcome: unknown;
      handle(1).catch((error: unknown) => {
        outcome = error;
      });
      await vi.advanceTimersByTimeAsync(99);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(RecordUnfinished);
    } finally {
      vi.useRealTimers();
    }
  });

  it("fails a record at once when the margin is already used up", async () => {
    const handle = beforeDeadline(remaining(500), never, 1_000);
    await expect(handle(1)).rejects.toBeInstanceOf(RecordUnfinished);
  });

  it("is the handler itself without a Lambda context", () => {
    const handler = async (n: number) => n;
    expect(beforeDeadline(undefined, handler)).toBe(handler);
  });
});
