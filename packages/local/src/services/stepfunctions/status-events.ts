// "Step Functions Execution Status Change": what AWS Step Functions emits to the
// account's default event bus whenever a Standard execution's status changes
// (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED). Shape per
// https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html (times in
// epoch milliseconds; input/output as JSON text). The store writes each one to an
// outbox in the same transaction as the status change it reports, and the pump
// hands them on in order, at least once, so neither a crash nor an EventBridge
// hiccup loses one — a compensator may depend on TIMED_OUT reaching it.
import type { ExecutionRecord } from "./types";

export const STATUS_CHANGE_SOURCE = "aws.states";
export const STATUS_CHANGE_DETAIL_TYPE = "Step Functions Execution Status Change";

/** A PutEvents entry (EventBridge adds version, id, account and region). */
export interface StatusChangeEvent {
  Source: typeof STATUS_CHANGE_SOURCE;
  DetailType: typeof STATUS_CHANGE_DETAIL_TYPE;
  /** The execution's ARN. */
  Resources: string[];
  /** Epoch ms of the change. */
  Time: number;
  Detail: string;
}

export function statusChangeEvent(e: ExecutionRecord): StatusChangeEvent {
  return {
    Source: STATUS_CHANGE_SOURCE,
    DetailType: STATUS_CHANGE_DETAIL_TYPE,
    Resources: [e.arn],
    Time: e.stop ?? e.start,
    Detail: JSON.stringify({
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.start,
      stopDate: e.stop,
      input: e.input,
      output: e.output,
      inputDetails: { included: true },
      outputDetails: e.output === null ? null : { included: true },
      error: e.error,
      cause: e.cause,
      // The local runtime does not redrive executions.
      redriveCount: 0,
      redriveDate: null,
      redriveStatus: "NOT_REDRIVABLE",
      redriveStatusReason:
        e.status === "RUNNING"
          ? "Execution is RUNNING and cannot be redriven"
          : "The local runtime does not redrive executions",
    }),
  };
}

export interface StatusEventOutbox {
  pendingStatusEvents(limit: number): Array<{ id: number; event: StatusChangeEvent }>;
  deleteStatusEvent(id: number): void;
}

/** Delivers the outbox in order; a failed send is retried with backoff (1 s … 30 s). */
export class StatusEventPump {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private failures = 0;
  private closed = false;
  private drained: Promise<void> = Promise.resolve();

  constructor(
    private readonly outbox: StatusEventOutbox,
    private readonly emit: (event: StatusChangeEvent) => Promise<void>,
    private readonly onError: (error: unknown) => void = (error) =>
      console.error("[stepfunctions] status-change event not delivered yet", error),
  ) {}

  kick() {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = true;
    this.drained = this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.closed) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain() {
    while (!this.closed) {
      const batch = this.outbox.pendingStatusEvents(50);
      if (batch.length === 0) return;
      for (const { id, event } of batch) {
        try {
          await this.emit(event);
        } catch (error) {
          if (this.closed) return;
          this.failures += 1;
          // Once per outage, not once per retry.
          if (this.failures === 1) this.onError(error);
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.failures - 1, 5));
          this.timer = setTimeout(() => this.kick(), delay);
          this.timer.unref();
          return;
        }
        if (this.closed) return;
        this.failures = 0;
        this.outbox.deleteStatusEvent(id);
      }
    }
  }

  /** Stops sending; what is left stays in the outbox for the next start. */
  async close() {
    this.closed = true;
    clearTimeout(this.timer);
    await this.drained.catch(() => {});
  }
}
