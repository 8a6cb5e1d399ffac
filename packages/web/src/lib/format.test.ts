import { describe, expect, it } from "vitest";
import { queueAge } from "./format";

describe("queueAge", () => {
  const queue = { visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: 0 };

  it("says nothing is waiting when the queue is empty, not '0 s'", () => {
    expect(queueAge(queue)).toBe("—");
    expect(queueAge({ ...queue, oldestAgeError: "AccessDenied" })).toBe("—");
  });

  it("ages the oldest message of a queue holding any, in flight included", () => {
    expect(queueAge({ ...queue, visible: 3, oldestAgeSeconds: 42 })).not.toBe("—");
    expect(queueAge({ ...queue, inFlight: 1, oldestAgeSeconds: 5 })).not.toBe("—");
  });

  it("says 'unavailable' when CloudWatch could not be read for a queue holding messages", () => {
    expect(queueAge({ ...queue, visible: 1, oldestAgeError: "AccessDenied" })).toBe("unavailable");
  });
});
