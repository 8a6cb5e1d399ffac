import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
// The infra's wiring is plain data over the topology (no SST at import), so
// what is checked here is what `sst deploy` builds.
import {
  concernOrder,
  eventSources,
  functionConcern,
  functionGrants,
  functionLinks,
  linkProvider,
} from "../../../../infra/wiring";
import {
  type DlqName,
  type FunctionName,
  functions,
  type GrantTarget,
  holdsServiceEvents,
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
  streamMappings,
} from "./index";

const root = resolve(import.meta.dirname, "../../../..");
const functionNames = Object.keys(functions) as FunctionName[];
const queueNames = Object.keys(queues) as QueueName[];
const workQueues = queueNames.flatMap((name) => {
  const queue = queues[name];
  return queue.kind === "work" ? [[name, queue] as const] : [];
});
const dlqNames = queueNames.filter((name) => queues[name].kind === "dlq") as DlqName[];

// What `sst deploy` builds from this description — redrive policies, visibility
// timeouts, event source mappings, rule targets and their DLQs, routes and
// scopes, alarms — is tested on the synthesized graph (infra/graph.test.ts).
// What stays here is the description's own logic, and what the graph cannot
// show (module order, which link each function is allowed).

describe("queues and dead letters", () => {
  it("every DLQ catches something: a queue's redrive, a rule's failures or a stream's", () => {
    const used = new Set<string>([
      ...workQueues.map(([, q]) => q.dlq),
      ...Object.values(rules).map((r) => r.target.deadLetter),
      ...Object.values(streamMappings).map((m) => m.onFailure),
    ]);
    for (const dlq of dlqNames) expect(used, `${dlq} catches nothing`).toContain(dlq);
  });
});

describe("event routing", () => {
  it("every notification channel queue exists, is a work queue and has a consumer", () => {
    for (const queue of Object.keys(notifications.subscriptions) as QueueName[]) {
      const spec = queues[queue];
      expect(spec, `${queue} is not in the topology`).toBeDefined();
      expect(spec.kind).toBe("work");
      if (spec.kind === "work") expect(functions[spec.consumer.function]).toBeDefined();
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
    // An asynchronous invocation that failed every retry goes to its on-failure destination.
    expect(eventSources("SagaCompensator").onFailure).toEqual(["SagaCompensationDlq"]);
  });
});

describe("least privilege: grants", () => {
  /** The link a grant target belongs to (`OrdersTable/index/byStatus` → OrdersTable), if any. */
  const linkOf = (target: GrantTarget) =>
    target === "*" || target === "FunctionLogs" ? undefined : (target.split("/")[0] as LinkName);
  const targetsOf = (name: FunctionName, action: string) =>
    functions[name].permissions
      .filter((grant) => grant.actions.includes(action))
      .flatMap((grant) => grant.on);

  it.each(functionNames)("%s's grants name only its links, or its event sources", (name) => {
    const links = new Set<string>(functions[name].links);
    const sources = eventSources(name);
    const sourced = new Set<string>([
      ...sources.consumes,
      ...sources.streams,
      ...sources.onFailure,
    ]);
    for (const grant of functionGrants(name)) {
      expect(grant.actions.length, `${name}: a grant without actions`).toBeGreaterThan(0);
      expect(grant.on.length, `${name}: ${grant.actions} on nothing`).toBeGreaterThan(0);
      for (const target of grant.on) {
        const link = linkOf(target);
        if (link)
          expect(
            links.has(link) || sourced.has(link),
            `${name}: ${grant.actions} on ${target}`,
          ).toBe(true);
      }
    }
    // The topology's own grants never repeat what Lambda does as an event source.
    for (const grant of functions[name].permissions)
      for (const target of grant.on) expect(sourced.has(target) && !links.has(target)).toBe(false);
  });

  it("names IAM actions as `service:Action`, none a wildcard", () => {
    for (const name of functionNames)
      for (const grant of functionGrants(name))
        for (const action of grant.actions)
          expect(action, `${name}: ${action}`).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/);
  });

  it("lets the functions that only read, read: no write on their tables", () => {
    for (const name of ["OrderStatus", "Catalog"] as const)
      for (const grant of functionGrants(name))
        for (const action of grant.actions)
          expect(
            ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
            `${name}: ${action}`,
          ).toContain(action);
  });

  it("lets the admin API peek every DLQ, redrive the ones it offers to, and send only to their sources", () => {
    const redrivable = dlqNames.filter(
      (dlq) =>
        queues[dlq].kind === "dlq" &&
        queues[dlq].catches !== "stream-failures" &&
        !holdsServiceEvents(dlq),
    );
    const sources = workQueues.map(([name]) => name);
    const consumerDlqs = workQueues.map(([, queue]) => queue.dlq);
    const sorted = (targets: readonly GrantTarget[]) => [...targets].sort();
    expect(sorted(targetsOf("AdminApi", "sqs:GetQueueAttributes"))).toEqual(sorted(queueNames));
    expect(sorted(targetsOf("AdminApi", "sqs:ReceiveMessage"))).toEqual(sorted(dlqNames));
    expect(sorted(targetsOf("AdminApi", "sqs:DeleteMessage"))).toEqual(sorted(redrivable));
    expect(sorted(targetsOf("AdminApi", "sqs:ChangeMessageVisibility"))).toEqual(
      sorted(redrivable),
    );
    // A whole DLQ moves back to its source; AWS also checks send on the source.
    expect(sorted(targetsOf("AdminApi", "sqs:StartMessageMoveTask"))).toEqual(sorted(consumerDlqs));
    expect(sorted(targetsOf("AdminApi", "sqs:SendMessage"))).toEqual(sorted(sources));
    // A rule's dead letter goes back onto the bus; a replay needs the archive, the bus and the replay.
    expect(targetsOf("AdminApi", "events:PutEvents")).toEqual(["Bus"]);
    expect(sorted(targetsOf("AdminApi", "events:StartReplay"))).toEqual(
      sorted(["Bus", "Bus/archive", "Bus/replays"]),
    );
    // Lists of orders and approvals are queries of the indexes, not the table.
    expect(sorted(targetsOf("AdminApi", "dynamodb:Query"))).toEqual(
      sorted([
        "OrdersTable",
        "OrdersTable/index/byStatus",
        "OrdersTable/index/byCustomer",
        "OrdersTable/index/byCorrelation",
      ]),
    );
    // The admin API never starts an execution nor answers a task.
    for (const action of [
      "states:StartExecution",
      "states:SendTaskSuccess",
      "states:SendTaskFailure",
    ])
      expect(targetsOf("AdminApi", action), action).toEqual([]);
  });
});

describe("infra wiring", () => {
  it.each(functionNames)("%s's handler module exists where SST will bundle it from", (name) => {
    const [file, exported] = functions[name].handler.split(/\.(?=[^.]+$)/);
    expect(exported).toBe("handler");
    expect(existsSync(join(root, `${file}.ts`)), `${file}.ts`).toBe(true);
  });

  it("sst.config.ts imports one module per concern, in the order the links need", () => {
    const config = readFileSync(join(root, "sst.config.ts"), "utf8");
    const imported = [...config.matchAll(/import\("\.\/infra\/([a-z-]+)"\)/g)].map((m) => m[1]);
    expect(imported).toEqual([...concernOrder]);
    for (const concern of concernOrder)
      expect(existsSync(join(root, "infra", `${concern}.ts`)), concern).toBe(true);
  });
});
