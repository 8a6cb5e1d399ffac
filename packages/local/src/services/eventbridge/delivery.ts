// Works the persisted delivery rows: invoke the target, retry transient failures with backoff
// under the target's RetryPolicy, and send what cannot be delivered to the rule's DLQ with
// AWS's message attributes. A row is deleted only after its send succeeded (or was given up),
// so a killed process redelivers at least once.
import { serviceOf } from "../../protocol";
import { backoffDelay, classifyFailure, retryPolicyOf } from "./retry-policy";
import type { Store } from "./store";
import type { DeliveryRecord, DeliverySource, TargetDeliverer } from "./types";

export interface DeliveryOptions {
  now: () => number;
  baseDelayMs: number;
  maxDelayMs: number;
  concurrency: number;
}

// EventBridge's own DLQ send is retried a few times, then the event is dropped (as AWS counts
// InvocationsFailedToBeSentToDlq).
const DLQ_SEND_ATTEMPTS = 5;

class UnsupportedTarget extends Error {
  override readonly name = "UnsupportedTarget";
}

export function invokeTarget(
  deliver: TargetDeliverer,
  arn: string,
  payload: string,
  source: DeliverySource,
) {
  switch (serviceOf(arn)) {
    case "sqs":
      return deliver.sqs(arn, payload, source);
    case "sns":
      return deliver.sns(arn, payload, source);
    case "states":
      return deliver.stepFunctions(arn, payload, source);
    case "lambda":
      return deliver.lambda(arn, payload, source);
    default:
      return Promise.reject(new UnsupportedTarget(`Target ${arn} is not supported locally.`));
  }
}

export class DeliveryWorker {
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private pumping = false;
  private settled: Promise<unknown>[] = [];
  /** Events given up without a DLQ (or whose DLQ send failed); for tests and diagnostics. */
  dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly deliver: TargetDeliverer,
    private readonly options: DeliveryOptions,
  ) {}

  isClosed() {
    return this.closed;
  }

  /** Look for due rows now (after PutEvents, a replay batch, or start-up). */
  kick() {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), 0);
    this.timer.unref();
  }

  private pump() {
    this.timer = null;
    if (this.closed || this.pumping) return;
    this.pumping = true;
    try {
      const room = this.options.concurrency - this.inFlight.size;
      if (room > 0) {
        const now = this.options.now();
        for (const row of this.store.dueDeliveries(now, room, this.inFlight)) {
          this.inFlight.add(row.id);
          const done = this.attempt(row)
            .catch((err) => console.error("[eventbridge] delivery bookkeeping failed", err))
            .finally(() => {
              this.inFlight.delete(row.id);
              this.settled = this.settled.filter((p) => p !== done);
              this.kick();
            });
          this.settled.push(done);
        }
      }
      if (this.inFlight.size === 0) this.scheduleNext();
    } finally {
      this.pumping = false;
    }
  }

  private scheduleNext() {
    const next = this.store.nextDueAt();
    if (next === null || this.closed) return;
    const wait = Math.max(0, Math.min(next - this.options.now(), 60_000));
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private async attempt(row: DeliveryRecord) {
    if (row.stage === "dlq") return this.sendToDlq(row);
    try {
      await invokeTarget(this.deliver, row.target.Arn, row.payload, {
        ruleArn: row.ruleArn,
        ...(row.target.RoleArn ? { roleArn: row.target.RoleArn } : {}),
      });
      if (!this.closed) this.store.deleteDelivery(row.id);
      return;
    } catch (err) {
      if (this.closed) return;
      const failure = classifyFailure(err);
      const policy = retryPolicyOf(row.target);
      const now = this.options.now();
      const delay = backoffDelay(
        row.attempts + 1,
        this.options.baseDelayMs,
        this.options.maxDelayMs,
      );
      let exhausted: string | null = null;
      if (!failure.permanent) {
        if (row.attempts >= policy.MaximumRetryAttempts) exhausted = "MaximumRetryAttempts";
        else if (now + delay - row.createdAt > policy.MaximumEventAgeInSeconds * 1000)
          exhausted = "MaximumEventAgeInSeconds";
        else {
          this.store.updateDelivery({
            ...row,
            attempts: row.attempts + 1,
            nextAt: now + delay,
            errorCode: failure.code,
            errorMessage: failure.message,
          });
          return;
        }
      }
      const dlq = row.target.DeadLetterConfig?.Arn;
      if (!dlq) {
        this.dropped++;
        this.store.deleteDelivery(row.id);
        return;
      }
      this.store.updateDelivery({
        ...row,
        stage: "dlq",
        attempts: 0,
        nextAt: now,
        errorCode: failure.code,
        errorMessage: failure.message,
        exhaustedCondition: exhausted,
        retryAttempts: row.attempts,
      });
    }
  }

  private async sendToDlq(row: DeliveryRecord) {
    const attributes: Record<string, string> = {
      RULE_ARN: row.ruleArn,
      TARGET_ARN: row.target.Arn,
      ERROR_CODE: row.errorCode ?? "SDK_CLIENT_ERROR",
      ERROR_MESSAGE: (row.errorMessage ?? "").slice(0, 256) || "Delivery failed",
      RETRY_ATTEMPTS: String(row.retryAttempts ?? 0),
    };
    // Only retries that ran out have an exhausted condition; permanent errors skip retries.
    if (row.exhaustedCondition) attributes.EXHAUSTED_RETRY_CONDITION = row.exhaustedCondition;
    try {
      // The DLQ send is EventBridge's own, on behalf of the rule (the DLQ's queue policy).
      await this.deliver.sqs(
        row.target.DeadLetterConfig!.Arn!,
        row.event,
        { ruleArn: row.ruleArn },
        attributes,
      );
      if (!this.closed) this.store.deleteDelivery(row.id);
    } catch (err) {
      if (this.closed) return;
      const failure = classifyFailure(err);
      if (failure.permanent || row.attempts + 1 >= DLQ_SEND_ATTEMPTS) {
        console.warn(`[eventbridge] dropping event: DLQ send failed: ${failure.message}`);
        this.dropped++;
        this.store.deleteDelivery(row.id);
        return;
      }
      const delay = backoffDelay(
        row.attempts + 1,
        this.options.baseDelayMs,
        this.options.maxDelayMs,
      );
      this.store.updateDelivery({
        ...row,
        attempts: row.attempts + 1,
        nextAt: this.options.now() + delay,
      });
    }
  }

  /** Resolves once every persisted delivery is done (sent, dead-lettered or dropped). */
  async idle(pollMs = 10) {
    while (!this.closed && (this.inFlight.size > 0 || this.store.pendingDeliveries() > 0)) {
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Sends already started finish; their rows stay and are resent after a restart.
    await Promise.allSettled(this.settled);
  }
}
