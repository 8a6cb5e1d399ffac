import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { BatchGetCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { QueueName } from "@orders/core/topology";
import { httpEvent } from "@orders/functions/lib/test-events";
import { type ChaosInput, soakChaos } from "@orders/local/chaos/index";
import { physicalQueueUrl } from "@orders/local/cloud/names";
import { fakeCredentials, REGION } from "@orders/local/config";
import { freePort } from "@orders/local/engines/ports";
import { deployment } from "@orders/local/graph/index";
import { startCloud, stopCloud } from "@orders/local/test/cloud-process";
import { runCheck } from "./check";
import type { Report } from "./invariants";

// Soak: a local cloud in chaos mode (a child process, so it can be SIGKILLed
// and restarted on the same data), N mixed orders through the real handlers,
// a bounded wait until every accepted order has settled, then the invariant
// checker over the stored state and the provider's ledger.
//
//   pnpm soak [--orders 500] [--kill 3] [--concurrency 8]
//     [--approval-timeout 15] [--visibility-timeout 20] [--no-chaos] [--keep]
//
// Orders go in through the Ingress function (API Gateway v2 events via the
// endpoint's Lambda Invoke API) and decisions through the admin API's
// function, so the soak does not depend on the HTTP gateway.

export type OrderKind =
  | "normal"
  | "approve"
  | "reject"
  | "approval-timeout"
  | "declined"
  | "transient-card"
  | "scarce"
  | "duplicate";

/** Deterministic mix by index: most orders are ordinary, every kind appears. */
export function kindOf(i: number): OrderKind {
  const slot = i % 20;
  if (slot < 10) return "normal";
  if (slot < 12) return "approve";
  if (slot < 13) return "reject";
  if (slot < 14) return "approval-timeout";
  if (slot < 16) return "declined";
  if (slot < 17) return "transient-card";
  if (slot < 18) return "scarce";
  return "duplicate";
}

const everyday = [
  "SKU-KEYBOARD",
  "SKU-MOUSE",
  "SKU-HEADSET",
  "SKU-WEBCAM",
  "SKU-CABLE",
  "SKU-DESK-MAT",
];

export function orderBody(i: number, kind: OrderKind) {
  const line = { sku: everyday[i % everyday.length]!, quantity: 1 + (i % 3) };
  switch (kind) {
    case "approve":
    case "reject":
    case "approval-timeout":
      return { lines: [{ sku: "SKU-GIFT-CARD", quantity: 1 }], payment: { card: "tok_approve" } };
    case "declined":
      return { lines: [line], payment: { card: i % 2 ? "tok_decline" : "tok_insufficient_funds" } };
    case "transient-card":
      return { lines: [line], payment: { card: "tok_transient" } };
    case "scarce":
      return { lines: [{ sku: "SKU-LIMITED", quantity: 1 }], payment: { card: "tok_approve" } };
    default:
      return { lines: [line], payment: { card: "tok_approve" } };
  }
}

export const POISON_MARKER = "soak-poison";

export interface SoakOptions {
  orders: number;
  kills: number;
  concurrency: number;
  approvalTimeoutSeconds: number;
  /** Shorter SQS visibility timeouts (≥ each consumer's timeout) so retries come round sooner. */
  visibilityTimeoutSeconds?: number;
  chaos: ChaosInput | undefined;
  /** Give up waiting for every order to settle after this long. */
  quiesceTimeoutMs: number;
  keepData?: boolean;
  log?: (line: string) => void;
}

export interface SoakResult {
  report: Report & { sources: Record<string, unknown> };
  figures: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface OrderState {
  status: string;
  approval?: string;
  cancelledFor?: string;
}

/**
 * Cancelled at its approval deadline while the decision is still APPROVED or
 * REJECTED: the decision's delivery is still retrying, and marks it EXPIRED
 * once it finds the wait timed out. Left so, the checker reports it.
 */
const decisionOnItsWay = (order: OrderState | undefined) =>
  order?.status === "CANCELLED" &&
  order.cancelledFor === "States.Timeout" &&
  (order.approval === "APPROVED" || order.approval === "REJECTED");

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`soak: ${line}\n`));
  const dataDir = mkdtempSync(join(tmpdir(), "soak-"));
  const [webPort, awsPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    SOAK_DATA_DIR: dataDir,
    SOAK_WEB_PORT: String(webPort),
    SOAK_AWS_PORT: String(awsPort),
    SOAK_APPROVAL_TIMEOUT_SECONDS: String(options.approvalTimeoutSeconds),
    SOAK_VISIBILITY_TIMEOUT_SECONDS: String(options.visibilityTimeoutSeconds ?? ""),
    POWERTOOLS_LOG_LEVEL: "WARN",
    ...(options.chaos ? { LOCAL_CHAOS: JSON.stringify(options.chaos) } : { LOCAL_CHAOS: "" }),
  };
  const started = Date.now();
  let cloud = await startCloud(env, log);
  // A failure anywhere must not leave the cloud (and its Java) running.
  const abandon = () => {
    if (cloud.child.exitCode === null && cloud.child.signalCode === null)
      cloud.child.kill("SIGKILL");
  };
  process.once("exit", abandon);
  try {
    const awsUrl = cloud.urls.aws;
    // The local cloud's queues carry the synthesized graph's physical names.
    const queueUrl = (name: QueueName) => physicalQueueUrl(awsUrl, deployment().queues[name].name);
    const ordersTable = deployment().tables.OrdersTable.name;
    log(
      `local cloud up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${awsUrl} (data ${dataDir})`,
    );
    const client = {
      endpoint: awsUrl,
      region: REGION,
      credentials: fakeCredentials,
      maxAttempts: 1,
    };
    const lambda = new LambdaClient(client);
    const sqs = new SQSClient(client);
    const ddb = new DynamoDBClient(client);
    const doc = DynamoDBDocumentClient.from(ddb);
    let down = false;

    const invoke = async (fn: string, event: unknown) => {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify(event)) }),
      );
      if (out.FunctionError) throw new Error(`${fn}: ${out.FunctionError}`);
      return JSON.parse(Buffer.from(out.Payload ?? []).toString() || "null") as {
        statusCode: number;
        body: string;
      };
    };
    /** Like a client: retry with the same key until the API answers (it may be restarting). */
    const submit = async (body: unknown, key: string) => {
      for (let attempt = 0; ; ) {
        if (down) {
          // A restart under load can take longer than the retry budget: wait it out.
          await sleep(200);
          continue;
        }
        try {
          attempt++;
          const result = await invoke(
            "Ingress",
            httpEvent({
              sub: `soak-${key.slice(0, 4)}`,
              body,
              headers: { "idempotency-key": key },
            }),
          );
          if (result.statusCode >= 500) throw new Error(`ingress ${result.statusCode}`);
          return result;
        } catch (error) {
          if (attempt > 300 && !down) throw error;
          await sleep(200);
        }
      }
    };

    // ─── Submit ────────────────────────────────────────────────────────────────
    const plan = Array.from({ length: options.orders }, (_, i) => ({
      i,
      kind: kindOf(i),
      key: randomUUID(),
      orderId: "",
      status: 0,
    }));
    const killAt = new Set(
      Array.from({ length: options.kills }, (_, k) =>
        Math.floor(((k + 1) * options.orders) / (options.kills + 1)),
      ),
    );
    let restarts = 0;
    const restart = async (at: number) => {
      down = true;
      log(`SIGKILL the local cloud after ${at} submissions`);
      try {
        await stopCloud(cloud, "SIGKILL");
        cloud = await startCloud(env, log);
        restarts++;
      } finally {
        down = false; // on a failed start, submissions fail fast and the soak reports it
      }
      log(`restarted (${restarts})`);
    };
    let next = 0;
    const submitStarted = Date.now();
    const worker = async () => {
      for (;;) {
        const item = plan[next++];
        if (!item) return;
        const body = orderBody(item.i, item.kind);
        const copies = item.kind === "duplicate" ? 3 : 1;
        const results = await Promise.all(
          Array.from({ length: copies }, () => submit(body, item.key)),
        );
        item.status = results[0]!.statusCode;
        item.orderId = (JSON.parse(results[0]!.body) as { orderId?: string }).orderId ?? "";
        if (new Set(results.map((r) => JSON.parse(r.body).orderId)).size !== 1) {
          throw new Error(`duplicate submissions of ${item.key} got different orders`);
        }
      }
    };
    const killer = (async () => {
      for (const at of [...killAt].sort((a, b) => a - b)) {
        while (next < at) await sleep(50);
        await restart(at);
      }
    })();
    const poisonSent = Math.max(1, Math.floor(options.orders / 100));
    for (let p = 0; p < poisonSent; p++) {
      for (const queue of ["PaymentQueue", "ApprovalsQueue"] as const) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl(queue),
            MessageBody:
              p % 2 ? `{"${POISON_MARKER}": ${p}` : JSON.stringify({ [POISON_MARKER]: p }),
          }),
        );
      }
    }
    // ─── The operator: decides approvals as they appear, like a person on the console ─
    const decided = new Set<string>();
    const decisionFailures: string[] = [];
    const readStatuses = async (items: readonly { orderId: string }[]) => {
      const statuses = new Map<string, OrderState>();
      const ids = items.map((p) => p.orderId).filter(Boolean);
      for (let k = 0; k < ids.length; k += 100) {
        const out = await doc.send(
          new BatchGetCommand({
            RequestItems: {
              [ordersTable]: {
                Keys: ids.slice(k, k + 100).map((id) => ({ pk: `ORDER#${id}`, sk: "META" })),
                ProjectionExpression: "orderId, #s, approval.#s, cancellation.#e",
                ExpressionAttributeNames: { "#s": "status", "#e": "error" },
              },
            },
          }),
        );
        for (const item of out.Responses?.[ordersTable] ?? []) {
          statuses.set(item.orderId, {
            status: item.status,
            approval: (item.approval as { status?: string } | undefined)?.status,
            cancelledFor: (item.cancellation as { error?: string } | undefined)?.error,
          });
        }
      }
      return statuses;
    };
    const decidePending = async () => {
      const waiting = plan.filter(
        (p) =>
          p.orderId && (p.kind === "approve" || p.kind === "reject") && !decided.has(p.orderId),
      );
      const statuses = await readStatuses(waiting);
      for (const p of waiting) {
        if (statuses.get(p.orderId)?.approval !== "PENDING" || down) continue;
        const decision =
          p.kind === "approve"
            ? { decision: "APPROVE" }
            : { decision: "REJECT", comment: "soak: rejected" };
        const answer = await invoke(
          "AdminApi",
          httpEvent({
            method: "POST",
            path: `/api/admin/approvals/${p.orderId}/decision`,
            sub: "soak-operator",
            groups: ["ops"],
            body: decision,
          }),
        ).catch((error: Error) => ({ statusCode: 0, body: error.message }));
        // No answer or a 5xx (a restart): try again on the next round.
        if (answer.statusCode === 0 || answer.statusCode >= 500) continue;
        decided.add(p.orderId);
        if (answer.statusCode !== 200) {
          decisionFailures.push(`${p.orderId}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
          log(`decision for ${p.orderId}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
        }
      }
    };
    // Like an operator on the Queues page: dead letters of real orders go back
    // to their queue one by one; the poison ones stay for the checker.
    let redriven = 0;
    const redriveDeadLetters = async () => {
      for (const [dlq, source] of [
        ["PaymentQueueDlq", "PaymentQueue"],
        ["ApprovalsQueueDlq", "ApprovalsQueue"],
        ["EmailQueueDlq", "EmailQueue"],
        ["SmsQueueDlq", "SmsQueue"],
      ] as const) {
        const held: string[] = [];
        for (let round = 0; round < 5; round++) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl(dlq),
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 30,
            }),
          );
          if (Messages.length === 0) break;
          for (const m of Messages) {
            if (m.Body?.includes(POISON_MARKER)) {
              held.push(m.ReceiptHandle!);
              continue;
            }
            await sqs.send(
              new SendMessageCommand({ QueueUrl: queueUrl(source), MessageBody: m.Body! }),
            );
            await sqs.send(
              new DeleteMessageCommand({
                QueueUrl: queueUrl(dlq),
                ReceiptHandle: m.ReceiptHandle!,
              }),
            );
            redriven++;
          }
        }
        for (const handle of held) {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl(dlq),
              ReceiptHandle: handle,
              VisibilityTimeout: 0,
            }),
          );
        }
      }
    };
    /**
     * Messages of real orders still in the work queues or their DLQs (the
     * notifications too: the checker counts their deliveries).
     */
    const realMessagesQueued = async () => {
      let total = 0;
      for (const name of [
        "PaymentQueue",
        "PaymentQueueDlq",
        "ApprovalsQueue",
        "ApprovalsQueueDlq",
        "EmailQueue",
        "EmailQueueDlq",
        "SmsQueue",
        "SmsQueueDlq",
      ] as const) {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl(name),
            AttributeNames: [
              "ApproximateNumberOfMessages",
              "ApproximateNumberOfMessagesNotVisible",
              "ApproximateNumberOfMessagesDelayed",
            ],
          }),
        );
        total += Object.values(Attributes).reduce((sum, n) => sum + Number(n), 0);
      }
      return Math.max(0, total - 2 * poisonSent); // the poison sits in one or the other
    };
    let operatorRounds = 0;
    const operatorRound = async () => {
      await decidePending();
      if (operatorRounds++ % 10 === 0) await redriveDeadLetters();
    };

    let submitting = true;
    const operator = (async () => {
      while (submitting) {
        if (!down) await operatorRound().catch(() => undefined); // restarting: next round
        await sleep(1_000);
      }
    })();

    await Promise.all([...Array.from({ length: options.concurrency }, worker), killer]).finally(
      () => {
        submitting = false;
      },
    );
    await operator;
    const submitSeconds = (Date.now() - submitStarted) / 1000;
    const accepted = plan.filter((p) => p.status === 202);
    log(
      `submitted ${plan.length} orders in ${submitSeconds.toFixed(1)} s (${accepted.length} accepted, ${restarts} restarts)`,
    );

    // ─── Wait until every order settles ──────────────────────────────────────────
    const deadline = Date.now() + options.quiesceTimeoutMs;
    let statuses = new Map<string, OrderState>();
    for (;;) {
      await operatorRound();
      statuses = await readStatuses(accepted);
      const open = accepted.filter((p) => {
        const order = statuses.get(p.orderId);
        return !["FULFILLED", "CANCELLED"].includes(order?.status ?? "") || decisionOnItsWay(order);
      });
      // Settled means idle too: a cancelled order's payment message may still be
      // on its way back (a late authorisation is voided only when it arrives).
      if (open.length === 0 && (await realMessagesQueued()) === 0) break;
      if (Date.now() > deadline) {
        log(`gave up waiting: ${open.length} orders still open`);
        break;
      }
      await sleep(1_000);
    }
    const settleSeconds = (Date.now() - submitStarted) / 1000;

    // ─── Check ─────────────────────────────────────────────────────────────────
    const report = await runCheck({
      endpoint: awsUrl,
      isExpectedPoison: (m) => m.body.includes(POISON_MARKER),
      now: new Date(),
    });
    lambda.destroy();
    sqs.destroy();
    ddb.destroy();
    await stopCloud(cloud, "SIGTERM");
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });

    const byKind: Record<string, Record<string, number>> = {};
    for (const p of accepted) {
      const status = statuses.get(p.orderId)?.status ?? "MISSING";
      byKind[p.kind] ??= {};
      byKind[p.kind]![status] = (byKind[p.kind]![status] ?? 0) + 1;
    }
    const fulfilled = accepted.filter(
      (p) => statuses.get(p.orderId)?.status === "FULFILLED",
    ).length;
    return {
      report,
      figures: {
        orders: options.orders,
        accepted: accepted.length,
        refused: plan.length - accepted.length,
        restarts,
        chaos: options.chaos ?? "off",
        poisonMessagesSent: poisonSent * 2,
        submitSeconds: Number(submitSeconds.toFixed(1)),
        settleSeconds: Number(settleSeconds.toFixed(1)),
        fulfilledPerSecond: Number((fulfilled / settleSeconds).toFixed(2)),
        outcomesByKind: byKind,
        decisionFailures,
        deadLettersRedriven: redriven,
        checker: report.counts,
        violations: report.violations.length,
      },
    };
  } catch (error) {
    abandon();
    throw error;
  } finally {
    process.off("exit", abandon);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      orders: { type: "string", default: "500" },
      kill: { type: "string", default: "0" },
      concurrency: { type: "string", default: "8" },
      "approval-timeout": { type: "string", default: "15" },
      "visibility-timeout": { type: "string" },
      "quiesce-timeout": { type: "string", default: "900" },
      "no-chaos": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
    },
  });
  const result = await runSoak({
    orders: Number(values.orders),
    kills: Number(values.kill),
    concurrency: Number(values.concurrency),
    approvalTimeoutSeconds: Number(values["approval-timeout"]),
    ...(values["visibility-timeout"]
      ? { visibilityTimeoutSeconds: Number(values["visibility-timeout"]) }
      : {}),
    quiesceTimeoutMs: Number(values["quiesce-timeout"]) * 1000,
    chaos: values["no-chaos"] ? undefined : soakChaos,
    keepData: values.keep,
  });
  process.stdout.write(
    `${JSON.stringify({ figures: result.figures, violations: result.report.violations }, null, 2)}\n`,
  );
  process.exitCode = result.report.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`soak: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 2;
  });
}
