// "Step Functions Execution Status Change" events: one per status change (RUNNING,
// SUCCEEDED, FAILED, TIMED_OUT, ABORTED), shaped as AWS documents them
// (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html), in order,
// and never lost: a refused send is retried, and what a stopped process had not
// sent goes out after its restart.
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMachine,
  fakeIntegrations,
  finished,
  type Harness,
  start,
  startHarness,
  waitFor,
} from "../../../test/stepfunctions/test-harness";
import type { StatusChangeEvent } from "./status-events";

const fakes = fakeIntegrations();
const sent: StatusChangeEvent[] = [];
let h: Harness;
beforeAll(async () => {
  h = await startHarness(fakes.integrations, undefined, {
    emitStatusChange: async (event) => {
      sent.push(event);
    },
  });
});
afterAll(() => h.stop());

const detailsOf = (events: StatusChangeEvent[], executionArn: string) =>
  events
    .filter((e) => e.Resources[0] === executionArn)
    .map((e) => JSON.parse(e.Detail) as Record<string, unknown>);

/** The events sent for an execution once it has `count` of them. */
const eventsFor = (executionArn: string, count: number, from = sent) =>
  waitFor(async () => {
    const details = detailsOf(from, executionArn);
    return details.length >= count ? details : undefined;
  }, `${count} status-change events for ${executionArn}`);

describe("execution status-change events", () => {
  it("sends RUNNING, then SUCCEEDED with the output, shaped as AWS's", async () => {
    const arn = await createMachine(h.client, {
      StartAt: "P",
      States: { P: { Type: "Pass", Result: { done: true }, End: true } },
    });
    const exec = await start(h.client, arn, { orderId: "o-1" }, "ok-1");
    const out = await finished(h.client, exec);
    const [running, succeeded] = await eventsFor(exec, 2);
    const event = sent.find((e) => e.Resources[0] === exec)!;
    expect(event.Source).toBe("aws.states");
    expect(event.DetailType).toBe("Step Functions Execution Status Change");
    expect(running).toEqual({
      executionArn: exec,
      stateMachineArn: arn,
      name: "ok-1",
      status: "RUNNING",
      startDate: out.startDate!.getTime(),
      stopDate: null,
      input: '{"orderId":"o-1"}',
      output: null,
      inputDetails: { included: true },
      outputDetails: null,
      error: null,
      cause: null,
      redriveCount: 0,
      redriveDate: null,
      redriveStatus: "NOT_REDRIVABLE",
      redriveStatusReason: "Execution is RUNNING and cannot be redriven",
    });
    expect(succeeded).toMatchObject({
      status: "SUCCEEDED",
      stopDate: out.stopDate!.getTime(),
      output: '{"done":true}',
      outputDetails: { included: true },
    });
  });

  it("sends FAILED with the error and cause", async () => {
    const arn = await createMachine(h.client, {
      StartAt: "F",
      States: { F: { Type: "Fail", Error: "CompensationFailed", Cause: "gave up" } },
    });
    const exec = await start(h.client, arn);
    await finished(h.client, exec);
    const [, failed] = await eventsFor(exec, 2);
    expect(failed).toMatchObject({
      status: "FAILED",
      error: "CompensationFailed",
      cause: "gave up",
    });
  });

  it("sends TIMED_OUT with States.Timeout when the execution's deadline passes", async () => {
    const arn = await createMachine(h.client, {
      TimeoutSeconds: 1,
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 30, End: true } },
    });
    const exec = await start(h.client, arn);
    await finished(h.client, exec);
    const [running, timedOut] = await eventsFor(exec, 2);
    expect(running?.status).toBe("RUNNING");
    expect(timedOut).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(timedOut?.stopDate).toBeGreaterThan(timedOut?.startDate as number);
  });

  it("sends ABORTED when the execution is stopped", async () => {
    const arn = await createMachine(h.client, {
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 30, End: true } },
    });
    const exec = await start(h.client, arn);
    await h.client.send(
      new StopExecutionCommand({ executionArn: exec, error: "Operator", cause: "by hand" }),
    );
    const [, aborted] = await eventsFor(exec, 2);
    expect(aborted).toMatchObject({ status: "ABORTED", error: "Operator", cause: "by hand" });
  });
});

describe("delivery of status-change events", () => {
  it("retries a refused send, in order, and sends after a restart what was left", async () => {
    const delivered: StatusChangeEvent[] = [];
    let refusing = true;
    const first = await startHarness(fakes.integrations, undefined, {
      emitStatusChange: async (event) => {
        if (refusing) throw new Error("EventBridge is down");
        delivered.push(event);
      },
    });
    const arn = await createMachine(first.client, {
      StartAt: "P",
      States: { P: { Type: "Pass", End: true } },
    });
    const exec = await start(first.client, arn);
    await finished(first.client, exec);
    // The first attempt failed; the process stops with both events unsent.
    await first.stop();
    expect(delivered).toEqual([]);

    refusing = false;
    const second = await startHarness(fakes.integrations, first.dataDir, {
      emitStatusChange: async (event) => {
        delivered.push(event);
      },
    });
    try {
      const details = await eventsFor(exec, 2, delivered);
      expect(details.map((d) => d.status)).toEqual(["RUNNING", "SUCCEEDED"]);
    } finally {
      await second.stop();
    }
    // Sent once each: nothing is left in the outbox to send again.
    const again = await startHarness(fakes.integrations, first.dataDir, {
      emitStatusChange: async (event) => {
        delivered.push(event);
      },
    });
    await again.stop();
    expect(detailsOf(delivered, exec)).toHaveLength(2);

    // A send refused while running is retried by the same process.
    let refusals = 1;
    const retried: StatusChangeEvent[] = [];
    const third = await startHarness(fakes.integrations, undefined, {
      emitStatusChange: async (event) => {
        if (refusals-- > 0) throw new Error("throttled");
        retried.push(event);
      },
    });
    try {
      const arn3 = await createMachine(third.client, {
        StartAt: "P",
        States: { P: { Type: "Pass", End: true } },
      });
      const exec3 = await start(third.client, arn3);
      const details = await eventsFor(exec3, 2, retried);
      expect(details.map((d) => d.status)).toEqual(["RUNNING", "SUCCEEDED"]);
    } finally {
      await third.stop();
    }
  });
});
