import { describe, expect, it } from "vitest";
import { parseErrorCause } from "./error-cause";

describe("parseErrorCause", () => {
  it("reads a Node.js Lambda error payload as its message and trace", () => {
    const cause = JSON.stringify({
      errorType: "PaymentPending",
      errorMessage: "no authorisation for ord_1 yet",
      trace: [
        "PaymentPending: no authorisation for ord_1 yet",
        "    at capturePayment (/x.ts:1:2)",
      ],
    });
    expect(parseErrorCause(cause)).toEqual({
      message: "no authorisation for ord_1 yet",
      trace: [
        "PaymentPending: no authorisation for ord_1 yet",
        "    at capturePayment (/x.ts:1:2)",
      ],
    });
  });

  it("takes other runtimes' stackTrace, and no trace at all", () => {
    expect(parseErrorCause('{"errorMessage":"boom","stackTrace":["a","b"]}')).toEqual({
      message: "boom",
      trace: ["a", "b"],
    });
    expect(parseErrorCause('{"errorMessage":"boom"}')).toEqual({ message: "boom", trace: [] });
  });

  it("keeps any other cause as it is", () => {
    for (const cause of ["Rejected by e2e-ops-olga", '{"reason":"x"}', "[1,2]", "null", "42"]) {
      expect(parseErrorCause(cause)).toEqual({ message: cause, trace: [] });
    }
    expect(parseErrorCause(undefined)).toEqual({ message: "", trace: [] });
  });
});
