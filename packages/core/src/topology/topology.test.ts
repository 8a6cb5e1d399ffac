import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
// The infra's wiring is plain data over the topology (no SST at import), so
// what is checked here is what `sst deploy` builds.
import {
  concernOrder,
  eventSources,
  functionConcern,
  functionLinks,
  functionsOf,
  linkProvider,
} from "../../../../infra/wiring";
import {
  alarms,
  api,
  type DlqName,
  type FunctionName,
  functions,
  type LinkName,
  notifications,
  orderPolicy,
  type QueueName,
  queues,
  renderRulePattern,
  renderSaga,
  rules,
  sagaDefinition,
  sagaFunctions,
  sagaLongestPathSeconds,
  sagaPlaceholders,
  sagaStatusEvent,
  scopes,
  streamMappings,
  tables,
  webConsole,
} from "./index";

const root = resolve(import.meta.dirname, "../../../..");
const functionNames = Object.keys(functions) as FunctionName[];
const queueNames = Object.keys(queues) as QueueName[];
const workQueues = queueNames.flatMap((name) => {
  const queue = queues[name];
  return queue.kind === "work" ? [[name, queue] as const] : [];
});
const dlqNames = queueNames.filter((name) => queues[name].kind === "dlq") as DlqName[];
const isDlq = (name: string) => (queues as Record<string, { kind: string }>)[name]?.kind === "dlq";

describe("queues and dead letters", () => {
  it.each(workQueues.map(([name]) => name))("%s redrives to a DLQ that exists", (name) => {
    const queue = queues[name] as { dlq?: string; maxReceiveCount?: number };
    expect(queue.dlq, `${name} has no DLQ`).toBeTypeOf("string");
    expect(isDlq(queue.dlq!), `${name}'s DLQ ${queue.dlq} is not a DLQ in the topology`).toBe(true);
    expect(queue.maxReceiveCount).toBeGreaterThanOrEqual(1);
  });

  it("every DLQ has a depth alarm that fires on the first message", () => {
    const all = alarms();
    for (const dlq of dlqNames) {
      const depth = all.find(
        (a) =>
          a.subject.kind === "queue" &&
          a.subject.name === dlq &&
          a.namespace === "AWS/SQS" &&
          a.metric === "ApproximateNumberOfMessagesVisible",
      );
      expect(depth, `${dlq} has no depth alarm`).toBeDefined();
      expect(depth!.threshold).toBe(0);
      expect(depth!.comparison).toBe("GreaterThanThreshold");
    }
  });

  it("every DLQ catches something: a queue's redrive, a rule's failures or a stream's", () => {
    const used = new Set<string>([
      ...workQueues.map(([, q]) => q.dlq),
      ...Object.values(rules).map((r) => r.target.deadLetter),
      ...Object.values(streamMappings).map((m) => m.onFailure),
    ]);
    for (const dlq of dlqNames) expect(used, `${dlq} catches nothing`).toContain(dlq);
  });

  it("DLQs keep messages 14 days, longer than their source queues", () => {
    // SQS expires a dead letter by its original enqueue time, so a DLQ that
    // keeps messages no longer than its source would drop them on arrival.
    for (const dlq of dlqNames) expect(queues[dlq].retentionSeconds).toBe(14 * 86_400);
    for (const [name, queue] of workQueues)
      expect(queues[queue.dlq].retentionSeconds, name).toBeGreaterThan(queue.retentionSeconds);
  });

  it.each(workQueues)(
    "%s's visibility timeout is at least 6x its consumer's timeout",
    (name, queue) => {
      const consumer = functions[queue.consumer.function];
      expect(consumer, `${name}'s consumer does not exist`).toBeDefined();
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * consumer.timeoutSeconds);
    },
  );

  it("consumers report partial batch failures within the event source limits", () => {
    for (const [name, queue] of workQueues) {
      expect(queue.consumer.reportBatchItemFailures, name).toBe(true);
      expect(queue.consumer.maxConcurrency, name).toBeGreaterThanOrEqual(2);
      expect(queue.consumer.maxConcurrency, name).toBeLessThanOrEqual(1000);
      // A batch above 10 needs a batching window (Lambda rejects it otherwise).
      if (queue.consumer.batchSize > 10)
        expect(queue.consumer.batchingWindowSeconds, name).toBeGreaterThan(0);
    }
  });
});

describe("event routing", () => {
  it.each(Object.keys(rules))(
    "rule %s delivers to a target that exists, with a rule DLQ",
    (name) => {
      const { target } = rules[name as keyof typeof rules];
      expect(isDlq(target.deadLetter), `${name}'s DLQ ${target.deadLetter}`).toBe(true);
      expect(queues[target.deadLetter].kind === "dlq" && queues[target.deadLetter].catches).toBe(
        "rule-delivery-failures",
      );
      if (target.kind === "queue") expect(queues[target.queue].kind).toBe("work");
      if (target.kind === "topic") expect(target.topic).toBe(notifications.topic);
      if (target.kind === "saga") expect(target.inputPath).toMatch(/^\$\./);
      if (target.kind === "function") expect(functionNames).toContain(target.function);
    },
  );

  it("every notification channel queue exists, is a work queue and has a consumer", () => {
    for (const queue of Object.keys(notifications.subscriptions) as QueueName[]) {
      const spec = queues[queue];
      expect(spec, `${queue} is not in the topology`).toBeDefined();
      expect(spec.kind).toBe("work");
      if (spec.kind === "work") expect(functions[spec.consumer.function]).toBeDefined();
    }
  });

  it("stream mappings read a streamed table into an existing function, failures to a stream DLQ", () => {
    for (const [name, mapping] of Object.entries(streamMappings)) {
      const table = tables[mapping.table] as { stream?: string };
      expect(table, name).toBeDefined();
      expect(table.stream, `${mapping.table} has no stream`).toBe("new-and-old-images");
      expect(functions[mapping.function], name).toBeDefined();
      const onFailure = queues[mapping.onFailure];
      expect(onFailure.kind === "dlq" && onFailure.catches).toBe("stream-failures");
    }
  });
});

describe("HTTP API", () => {
  it.each(Object.keys(api.routes))("%s is served by a function that exists", (key) => {
    const route = api.routes[key as keyof typeof api.routes];
    expect(functions[route.function]).toBeDefined();
  });

  it("routes live under the path the router sends to the API, with known scopes", () => {
    const known = new Set<string>(Object.values(scopes));
    for (const [key, route] of Object.entries(api.routes)) {
      expect(key).toMatch(
        new RegExp(`^(GET|POST|PUT|PATCH|DELETE|ANY) ${webConsole.apiBasePath}/`),
      );
      for (const scope of route.scopes) expect(known, key).toContain(scope);
      expect(route.throttle.burst, key).toBeGreaterThanOrEqual(route.throttle.rate);
    }
  });
});

interface RetrySpec {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
}

/** CapturePayment's retrier for `error`. */
const captureRetrier = (error: string) =>
  (
    sagaDefinition as { States: Record<string, { Retry?: RetrySpec[] }> }
  ).States.CapturePayment!.Retry!.find((r) => r.ErrorEquals.includes(error))!;

/** Seconds a retrier waits over all its attempts, with no jitter (the most it can wait). */
function cappedDelaysSeconds(r: RetrySpec) {
  let total = 0;
  for (let attempt = 0; attempt < r.MaxAttempts; attempt++)
    total += Math.min(
      r.IntervalSeconds * r.BackoffRate ** attempt,
      r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
    );
  return total;
}

describe("fulfilment saga", () => {
  it("invokes only functions that exist", () => {
    expect(sagaFunctions().length).toBeGreaterThan(0);
    for (const name of sagaFunctions()) expect(functionNames).toContain(name);
  });

  it("has placeholders only for functions, the approvals queue and the two timeouts", () => {
    const allowed = new Set<string>([
      ...functionNames,
      "ApprovalsQueueUrl",
      "ApprovalTimeoutSeconds",
      "SagaTimeoutSeconds",
    ]);
    for (const name of sagaPlaceholders()) expect(allowed, name).toContain(name);
  });

  it("renders with no placeholder left, keeping the timeout a number", () => {
    const values = Object.fromEntries(
      sagaPlaceholders().map((name) => [
        name,
        `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
      ]),
    );
    const rendered = renderSaga({
      ...values,
      ApprovalsQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/approvals",
      ApprovalTimeoutSeconds: 3600,
      SagaTimeoutSeconds: 7200,
    });
    expect(JSON.stringify(rendered)).not.toMatch(/\$\{/);
    expect(rendered.TimeoutSeconds).toBe(7200);
    const timeouts = Object.values(rendered.States).flatMap((state) =>
      "TimeoutSeconds" in state ? [state.TimeoutSeconds] : [],
    );
    expect(timeouts).toContain(3600);
  });

  it("has a deadline above its longest legitimate path: approval window + payment wait + retries", () => {
    // Past the deadline Step Functions ends the execution TIMED_OUT with no
    // Catch; a deadline inside a legitimate path would cancel good orders.
    const rendered = renderSaga({
      ...Object.fromEntries(functionNames.map((name) => [name, name])),
      ApprovalsQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/approvals",
      ApprovalTimeoutSeconds: orderPolicy.approvalTimeoutSeconds,
      SagaTimeoutSeconds: orderPolicy.sagaTimeoutSeconds,
    });
    expect(rendered.TimeoutSeconds).toBe(orderPolicy.sagaTimeoutSeconds);
    const longest = sagaLongestPathSeconds({
      ApprovalTimeoutSeconds: orderPolicy.approvalTimeoutSeconds,
    });
    // The path holds the whole approval window, the bounded payment wait and the retries.
    const withoutApproval = sagaLongestPathSeconds({ ApprovalTimeoutSeconds: 0 });
    expect(longest - withoutApproval).toBe(orderPolicy.approvalTimeoutSeconds);
    expect(withoutApproval).toBeGreaterThan(cappedDelaysSeconds(captureRetrier("PaymentPending")));
    expect(orderPolicy.sagaTimeoutSeconds).toBeGreaterThan(longest);
  });

  it("sends the executions that ran no Catch, and only this saga's, to the compensator", () => {
    const rule = rules.SagaEndedToCompensator;
    expect(rule.bus).toBe("default");
    expect(rule.target).toMatchObject({ kind: "function", function: "SagaCompensator" });
    const arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders-dev-FulfillmentSaga";
    expect(renderRulePattern(rule, { FulfillmentSagaArn: arn })).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: ["TIMED_OUT", "FAILED", "ABORTED"], stateMachineArn: [arn] },
    });
    expect([...sagaStatusEvent.unfinishedStatuses].sort()).toEqual([
      "ABORTED",
      "FAILED",
      "TIMED_OUT",
    ]);
  });

  it("refuses to render with a value missing", () => {
    expect(() => renderSaga({ ApprovalTimeoutSeconds: 1 })).toThrow(/no value for/);
  });

  it("waits for an authorisation longer than the payment queue keeps retrying its message", () => {
    // A slower wait would cancel orders whose payment is still being retried
    // (a transient provider error costs one visibility timeout per attempt).
    const waited = cappedDelaysSeconds(captureRetrier("PaymentPending"));
    const { maxReceiveCount, visibilityTimeoutSeconds } = queues.PaymentQueue;
    expect(waited).toBeGreaterThan(maxReceiveCount * visibilityTimeoutSeconds);
  });

  it("rides out a provider outage before it gives up on capturing an authorised payment", () => {
    // The authorisation is already held: cancelling because the provider
    // flapped for a minute (its circuit breaker open, 30 s at a time) would
    // lose a good order. With full jitter each wait is uniform on [0, cap],
    // so the expected total is half the sum of the capped delays.
    const expected = cappedDelaysSeconds(captureRetrier("TransientError")) / 2;
    const breakerCooldownSeconds = 30;
    expect(expected).toBeGreaterThan(10 * breakerCooldownSeconds);
  });

  it("is a Standard-compatible JSONPath document starting at a state it has", () => {
    expect(Object.keys(sagaDefinition.States)).toContain(sagaDefinition.StartAt);
  });
});

describe("least privilege: links", () => {
  it.each(functionNames)("%s is linked to exactly its declared allowance", (name) => {
    const declared = new Set<LinkName>(functions[name].links);
    const wired = new Set<LinkName>(functionLinks(name));
    // Within the allowance…
    for (const link of wired)
      expect(declared, `${name} is linked to undeclared ${link}`).toContain(link);
    // …and every declared link is wired to a component some infra module creates.
    for (const link of declared) {
      expect(wired, `${name} declares ${link} but infra does not link it`).toContain(link);
      expect(linkProvider[link], `nothing creates ${link}`).toBeDefined();
    }
  });

  it.each(functionNames)("%s's links exist before the module that creates it runs", (name) => {
    const at = concernOrder.indexOf(functionConcern(name));
    for (const link of functionLinks(name))
      expect(concernOrder.indexOf(linkProvider[link]), `${name} → ${link}`).toBeLessThanOrEqual(at);
  });

  const linkedBy = (link: LinkName) => functionNames.filter((f) => functionLinks(f).includes(link));

  it("keeps each function away from what it has no business touching", () => {
    const forbidden: Partial<Record<FunctionName, LinkName[]>> = {
      PaymentWorker: ["InventoryTable", "FulfillmentSaga", "Bus"],
      Ingress: ["Bus", "PaymentProvider", "FulfillmentSaga", "PaymentLedgerTable"],
      OrderStatus: ["InventoryTable", "PaymentProvider", "Bus"],
      Catalog: ["OrdersTable", "PaymentProvider", "Bus"],
      StreamPublisher: ["PaymentProvider", "InventoryTable"],
      Notifier: ["PaymentProvider", "InventoryTable", "Bus"],
    };
    for (const [fn, links] of Object.entries(forbidden))
      for (const link of links)
        expect(functionLinks(fn as FunctionName), `${fn} must not link ${link}`).not.toContain(
          link,
        );
  });

  it("only the provider touches its ledger; only the admin API drives the saga and DLQs", () => {
    expect(linkedBy("PaymentLedgerTable")).toEqual(["PaymentSandbox"]);
    expect(linkedBy("NotificationLedgerTable")).toEqual(["NotificationSandbox"]);
    expect(linkedBy("NotificationProvider")).toEqual(["Notifier"]);
    expect(linkedBy("FulfillmentSaga")).toEqual(["AdminApi"]);
    expect(linkedBy("Auth")).toEqual(["AdminApi"]);
    for (const dlq of dlqNames) expect(linkedBy(dlq), dlq).toEqual(["AdminApi"]);
  });

  it("saga steps reach no bus, queue or topic: the state machine does the messaging", () => {
    for (const step of sagaFunctions())
      for (const link of functionLinks(step))
        expect(["Bus", "NotificationsTopic", ...queueNames], `${step} → ${link}`).not.toContain(
          link,
        );
  });

  it("event sources are granted only to their consumers", () => {
    for (const name of functionNames) {
      const sources = eventSources(name);
      for (const queue of sources.consumes) {
        const spec = queues[queue];
        expect(spec.kind === "work" && spec.consumer.function).toBe(name);
      }
      if (sources.consumes.length) expect(functionConcern(name)).toBe("consumers");
      if (sources.streams.length) expect(functionConcern(name)).toBe("streams");
    }
    expect(eventSources("Notifier").consumes.sort()).toEqual(["EmailQueue", "SmsQueue"]);
    expect(eventSources("Ingress")).toEqual({ consumes: [], streams: [], onFailure: [] });
  });
});

describe("infra wiring", () => {
  it.each(functionNames)("%s's handler module exists where SST will bundle it from", (name) => {
    const [file, exported] = functions[name].handler.split(/\.(?=[^.]+$)/);
    expect(exported).toBe("handler");
    expect(existsSync(join(root, `${file}.ts`)), `${file}.ts`).toBe(true);
  });

  it("creates every function in exactly one module", () => {
    const created = concernOrder.flatMap((concern) => functionsOf(concern));
    expect(created.sort()).toEqual([...functionNames].sort());
  });

  it("sst.config.ts imports one module per concern, in the order the links need", () => {
    const config = readFileSync(join(root, "sst.config.ts"), "utf8");
    const imported = [...config.matchAll(/import\("\.\/infra\/([a-z-]+)"\)/g)].map((m) => m[1]);
    expect(imported).toEqual([...concernOrder]);
    for (const concern of concernOrder)
      expect(existsSync(join(root, "infra", `${concern}.ts`)), concern).toBe(true);
  });

  it("every alarm watches something that exists, under a unique name", () => {
    const all = alarms();
    expect(new Set(all.map((a) => a.name)).size).toBe(all.length);
    for (const alarm of all) {
      const { subject } = alarm;
      if (subject.kind === "queue") expect(queueNames).toContain(subject.name);
      if (subject.kind === "function") expect(functionNames).toContain(subject.name);
      if (subject.kind === "rule") expect(Object.keys(rules)).toContain(subject.name);
      if (subject.kind === "mapping") expect(Object.keys(streamMappings)).toContain(subject.name);
    }
  });
});
