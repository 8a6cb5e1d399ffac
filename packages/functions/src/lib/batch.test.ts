import { describe, expect, it } from "vitest";
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

  it("gives up on a record still running at the deadline less the margin", async () => {
    const started = Date.now();
    const handle = beforeDeadline(remaining(300), never, 200);
    await expect(handle(1)).rejects.toBeInstanceOf(RecordUnfinished);
    // not before the deadline less the margin (100 ms), with slack for timer granularity
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
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
