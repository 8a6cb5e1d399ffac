import { describe, expect, it } from "vitest";
import { foldHistory } from "./execution-history";

const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));

describe("foldHistory", () => {
  it("one row per state visit with attempts, errors, durations and a caught failure", () => {
    const runs = foldHistory([
      { type: "ExecutionStarted", timestamp: t(0) },
      {
        type: "TaskStateEntered",
        timestamp: t(0),
        stateEnteredEventDetails: { name: "ReserveInventory", input: '{"orderId":"o1"}' },
      },
      { type: "TaskScheduled", timestamp: t(0) },
      {
        type: "TaskFailed",
        timestamp: t(1),
        taskFailedEventDetails: { error: "TransientError", cause: "db busy" },
      },
      { type: "TaskScheduled", timestamp: t(2) },
      { type: "TaskSucceeded", timestamp: t(3) },
      {
        type: "TaskStateExited",
        timestamp: t(3),
        stateExitedEventDetails: { name: "ReserveInventory", output: '{"ok":true}' },
      },
      {
        type: "TaskStateEntered",
        timestamp: t(4),
        stateEnteredEventDetails: { name: "CapturePayment", input: "{}" },
      },
      { type: "TaskScheduled", timestamp: t(4) },
      { type: "TaskFailed", timestamp: t(5), taskFailedEventDetails: { error: "PaymentDeclined" } },
      // Caught: no TaskStateExited in AWS, the next state's entry closes it.
      {
        type: "TaskStateEntered",
        timestamp: t(6),
        stateEnteredEventDetails: { name: "VoidPayment", input: "{}" },
      },
      { type: "TaskScheduled", timestamp: t(6) },
    ]);
    expect(runs.map((r) => [r.name, r.attempts, r.outcome])).toEqual([
      ["ReserveInventory", 2, "succeeded"],
      ["CapturePayment", 1, "caught"],
      ["VoidPayment", 1, "running"],
    ]);
    expect(runs[0]).toMatchObject({
      durationMs: 3000,
      input: { orderId: "o1" },
      output: { ok: true },
    });
    expect(runs[0]!.errors).toEqual([
      { at: t(1).toISOString(), error: "TransientError", cause: "db busy" },
    ]);
    expect(runs[1]).toMatchObject({
      exitedAt: t(6).toISOString(),
      errors: [{ error: "PaymentDeclined", cause: null }],
    });
    expect(runs[2]).toMatchObject({ exitedAt: null, durationMs: null });
  });

  it("a Fail state ends the execution as failed with its error", () => {
    const runs = foldHistory([
      {
        type: "FailStateEntered",
        timestamp: t(0),
        stateEnteredEventDetails: { name: "CompensationFailed", input: "{}" },
      },
      {
        type: "ExecutionFailed",
        timestamp: t(0),
        executionFailedEventDetails: { error: "CompensationFailed", cause: "x" },
      },
    ]);
    expect(runs).toEqual([
      expect.objectContaining({
        name: "CompensationFailed",
        type: "Fail",
        outcome: "failed",
        errors: [expect.objectContaining({ error: "CompensationFailed" })],
      }),
    ]);
  });

  it("a stopped execution closes the running state as failed", () => {
    const runs = foldHistory([
      {
        type: "TaskStateEntered",
        timestamp: t(0),
        stateEnteredEventDetails: { name: "AwaitApproval", input: "{}" },
      },
      { type: "ExecutionAborted", timestamp: t(9) },
    ]);
    expect(runs[0]).toMatchObject({ outcome: "failed", durationMs: 9000 });
  });
});
