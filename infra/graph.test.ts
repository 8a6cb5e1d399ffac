import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../packages/core/src/inventory/catalog";
import { stockRecord } from "../packages/core/src/inventory/schema";
import {
  alarms as alarmSpecs,
  api as apiSpec,
  auth as authSpec,
  bus as busSpec,
  type FunctionName,
  functions,
  type GrantTarget,
  orderPolicy,
  queues as queueSpecs,
  streamMappings,
  webConsole,
} from "../packages/core/src/topology";
import {
  allows,
  Graph,
  type GraphResource,
  list,
  type PolicyStatement,
  policyDocument,
  roleStatements,
  synthesize,
} from "../scripts/synth/graph";
import { functionGrants, renderGrants } from "./wiring";

// Tests over what `sst deploy` would create, not over our description of it:
// the SST program evaluated offline with SST's own components (pnpm synth).
// Everything is found by walking the graph, so functions, queues, rules and
// mappings added to the topology are checked without touching this file.

const root = resolve(import.meta.dirname, "..");
let resources: GraphResource[];
let graph: Graph;

beforeAll(() => {
  resources = synthesize();
  graph = new Graph(resources);
}, 120_000);

const functionNames = Object.keys(functions) as FunctionName[];
const lambdas = () => graph.ofType("aws:lambda/function:Function");
const queueArn = (name: string) => graph.child(name, "aws:sqs/queue:Queue").outputs.arn as string;
const mappings = () => graph.ofType("aws:lambda/eventSourceMapping:EventSourceMapping");
const timeoutOf = (functionArn: string) => {
  const fn = graph.byOutput(functionArn);
  if (!fn) throw new Error(`no function ${functionArn}`);
  return fn.inputs.timeout as number;
};

describe("the program", () => {
  it("evaluates with SST's own checks, and twice gives the same graph", () => {
    expect(resources.length).toBeGreaterThan(100);
    // Two runs back to back (beforeAll's may predate an edit to the tree).
    expect(synthesize()).toEqual(synthesize());
  }, 120_000);

  it("names every top-level SST component uniquely (the Router and the Cognito client once clashed)", () => {
    // SST aborts `sst deploy` on a clash; this shows both exist under their own names.
    const topLevel = resources.filter((r) => r.type.startsWith("sst:") && r.parent === null);
    const names = topLevel.map((r) => r.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(graph.ofType("sst:aws:Router")).toHaveLength(1);
    expect(graph.ofType("sst:aws:CognitoUserPoolClient")).toHaveLength(1);
  });

  it("has every topology function, and every function, queue, table, rule, the saga and the CDN", () => {
    for (const name of functionNames)
      expect(graph.child(name, "aws:lambda/function:Function").inputs.handler).toBe(
        functions[name].handler,
      );
    expect(lambdas()).toHaveLength(functionNames.length);
    for (const queue of Object.keys(queueSpecs)) expect(queueArn(queue)).toMatch(/^arn:aws:sqs:/);
    expect(graph.ofType("aws:sfn/stateMachine:StateMachine")).toHaveLength(1);
    expect(graph.ofType("aws:cloudfront/distribution:Distribution")).toHaveLength(1);
  });
});

describe("Lambda functions", () => {
  it.each(functionNames)("%s runs Node 24 with active tracing, its timeout and memory", (name) => {
    const { fn } = graph.lambda(name);
    expect(fn.inputs.runtime).toBe("nodejs24.x");
    expect(fn.inputs.tracingConfig).toEqual({ mode: "Active" });
    expect(fn.inputs.timeout).toBe(functions[name].timeoutSeconds);
    expect(fn.inputs.memorySize).toBe(functions[name].memoryMb);
  });

  it("every function role trusts lambda.amazonaws.com only (not the account root)", () => {
    for (const fn of lambdas()) {
      const role = graph.byOutput(fn.inputs.role)!;
      const trust = policyDocument(role.inputs.assumeRolePolicy).Statement;
      expect(trust, role.name).toHaveLength(1);
      expect(list(trust[0]!.Action), role.name).toEqual(["sts:AssumeRole"]);
      expect(trust[0]!.Principal, role.name).toEqual({ Service: "lambda.amazonaws.com" });
    }
  });

  /**
   * A grant target as this graph deploys it: the topology's names read back
   * out of the resources (tables, queues, the bus and its archive, the state
   * machine, the provider behind each link's URL).
   */
  function graphArn(target: GrantTarget): string {
    if (target === "*") return "*";
    if (target === "FunctionLogs") return `${logsArn}:log-group:/aws/lambda/orders-local-*`;
    const [link, ...rest] = target.split("/") as [string, ...string[]];
    const part = rest.join("/");
    const linked = graph.named(`${link}LinkRef`, "sst:sst:LinkRef").outputs.properties;
    switch (linked.type) {
      case "sst.aws.Dynamo": {
        const table = graph.child(link, "aws:dynamodb/table:Table").outputs;
        if (part === "stream") return table.streamArn;
        return part ? `${table.arn}/${part}` : table.arn;
      }
      case "sst.aws.Queue":
        return queueArn(link);
      case "sst.aws.Bus":
        if (part === "archive")
          return graph.ofType("aws:cloudwatch/eventArchive:EventArchive")[0]!.outputs.arn;
        if (part === "replays") return "arn:aws:events:us-east-1:000000000000:replay/*";
        return graph.child(link, "aws:cloudwatch/eventBus:EventBus").outputs.arn;
      default: {
        // A Linkable: the state machine's ARN, or a provider's function URL.
        if (linked.arn)
          return part === "executions"
            ? `${linked.arn.replace(":stateMachine:", ":execution:")}:*`
            : linked.arn;
        const url = graph
          .ofType("aws:lambda/functionUrl:FunctionUrl")
          .find((u) => u.outputs.functionUrl === linked.url);
        if (!url) throw new Error(`grant target ${target} is neither an ARN nor a function URL`);
        return url.outputs.functionArn;
      }
    }
  }
  const logsArn = "arn:aws:logs:us-east-1:000000000000";
  const xray = { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] };

  it.each(functionNames)(
    "%s's role holds X-Ray's statement and exactly its topology grants, nothing from its links",
    (name) => {
      const statements = graph.lambda(name).statements.map((s) => {
        expect(s.Effect, name).toBe("Allow");
        expect(s.Condition, name).toBeUndefined();
        return { actions: list(s.Action), resources: list(s.Resource) };
      });
      expect(statements).toEqual([xray, ...renderGrants(functionGrants(name), graphArn)]);
    },
  );

  it.each(functionNames)(
    "%s still gets every link's `Resource.*` value, and only its links'",
    (name) => {
      // What the CLI bundles for the function (resource.enc): each link's properties.
      const bundled = graph.child(name, "sst:cli:LinkedResources").inputs.links as Record<
        string,
        Record<string, unknown>
      >;
      expect(Object.keys(bundled).sort()).toEqual([...functions[name].links].sort());
      for (const [link, value] of Object.entries(bundled)) {
        const { type: _type, ...properties } = value;
        const { type: _refType, ...declared } = graph.named(`${link}LinkRef`, "sst:sst:LinkRef")
          .outputs.properties;
        expect(properties, `${name} → ${link}`).toEqual(declared);
        expect(Object.keys(properties).length, `${name} → ${link}`).toBeGreaterThan(0);
      }
    },
  );

  it("every resource a statement names is in the graph (or a path under one)", () => {
    const arns = new Set(
      resources.flatMap((r) => [r.outputs.arn, r.outputs.streamArn].filter(Boolean)),
    );
    const under = (pattern: string) =>
      [...arns].some((arn) => pattern === arn || pattern.startsWith(`${arn}/`));
    for (const fn of lambdas())
      for (const s of roleStatements(graph.byOutput(fn.inputs.role)!))
        for (const resource of list(s.Resource)) {
          if (resource === "*") continue;
          // Executions of the state machine, the stage's log groups and replays are named by pattern.
          const execution = resource.replace(":execution:", ":stateMachine:").replace(/:\*$/, "");
          const logGroups = /^arn:aws:logs:[^:]+:\d+:log-group:\/aws\/lambda\/orders-local-\*$/;
          const replays = /^arn:aws:events:[^:]+:\d+:replay\/\*$/;
          expect(
            under(resource) ||
              arns.has(execution) ||
              logGroups.test(resource) ||
              replays.test(resource),
            `${fn.name}: ${resource}`,
          ).toBe(true);
        }
  });

  it.each(functionNames)(
    "%s reaches tables and queues only through its links, or as their event source",
    (name) => {
      const { fn, statements } = graph.lambda(name);
      const links = new Set<string>(functions[name].links);
      const sources = mappings().filter((m) => m.inputs.functionName === fn.outputs.arn);
      const drained = new Set(sources.map((m) => m.inputs.eventSourceArn as string));
      // Where Lambda sends what failed: a stream batch's position, an async invocation's event.
      const failures = new Set([
        ...sources.map((m) => m.inputs.destinationConfig?.onFailure?.destinationArn),
        ...graph
          .ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
          .filter((c) => [fn.outputs.name, fn.outputs.arn].includes(c.inputs.functionName))
          .map((c) => c.inputs.destinationConfig?.onFailure?.destination),
      ]);
      const owners = [
        ...graph
          .ofType("sst:aws:Dynamo")
          .map((t) => [t.name, graph.child(t.name, "aws:dynamodb/table:Table").outputs.arn]),
        ...graph.ofType("sst:aws:Queue").map((q) => [q.name, queueArn(q.name)]),
      ] as [string, string][];
      for (const s of statements)
        for (const resource of list(s.Resource)) {
          const owner = owners.find(
            ([, arn]) => resource === arn || resource.startsWith(`${arn}/`),
          );
          if (!owner) continue;
          const [component, arn] = owner;
          expect(
            links.has(component) || drained.has(resource) || failures.has(arn),
            `${name}: ${list(s.Action)} on ${component}`,
          ).toBe(true);
        }
    },
  );
});

describe("least privilege in every role (functions, the saga, EventBridge targets)", () => {
  const statementsOfEveryRole = () =>
    graph
      .ofType("aws:iam/role:Role")
      .flatMap((role) => roleStatements(role).map((s) => ({ role: role.name, s })));

  /**
   * The only actions allowed on `Resource: "*"`: those IAM authorises on no
   * resource (the Service Authorization Reference lists no resource type), and why.
   */
  const onNoResource: Record<string, string> = {
    "xray:PutTraceSegments": "active tracing (functions, the saga): X-Ray has no resources",
    "xray:PutTelemetryRecords": "active tracing: X-Ray has no resources",
    "xray:GetSamplingRules": "the saga's tracing: X-Ray has no resources",
    "xray:GetSamplingTargets": "the saga's tracing: X-Ray has no resources",
    "logs:CreateLogDelivery": "the saga's log delivery (vended logs): no resource-level permission",
    "logs:GetLogDelivery": "the saga's log delivery",
    "logs:UpdateLogDelivery": "the saga's log delivery",
    "logs:DeleteLogDelivery": "the saga's log delivery",
    "logs:ListLogDeliveries": "the saga's log delivery",
    "logs:PutResourcePolicy": "the saga's log delivery",
    "logs:DescribeResourcePolicies": "the saga's log delivery",
    "logs:DescribeLogGroups": "the saga's log delivery; the admin API's log search lists groups",
    "logs:GetQueryResults":
      "the admin API's log search: the request names a query id only, begun by a StartQuery scoped to the stage's log groups",
    "events:ListArchives": "the admin API's replays: a list action",
    "events:ListReplays": "the admin API's replays: a list action",
    "events:ListRules": "the admin API's replays: a list action",
    "cloudwatch:GetMetricData": "the admin API's queue ages: metrics have no ARN",
    "dynamodb:ListStreams": "a stream mapping's poller: a list action",
  };

  it("no statement grants a whole service (`sqs:*`, `dynamodb:*`, `events:*`, `states:*`) or `*`", () => {
    for (const { role, s } of statementsOfEveryRole())
      for (const action of list(s.Action))
        expect(action, `${role}: ${action}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });

  it('`Resource: "*"` only for actions IAM authorises on no resource', () => {
    for (const { role, s } of statementsOfEveryRole())
      if (list(s.Resource).includes("*"))
        for (const action of list(s.Action))
          expect(Object.keys(onNoResource), `${role}: ${action} on *`).toContain(action);
  });
});

describe("event source mappings", () => {
  it("every work queue is drained by its consumer with the topology's batch settings", () => {
    for (const [name, spec] of Object.entries(queueSpecs)) {
      if (spec.kind !== "work") continue;
      const found = mappings().filter((m) => m.inputs.eventSourceArn === queueArn(name));
      expect(found, name).toHaveLength(1);
      const m = found[0]!.inputs;
      expect(m.functionName, name).toBe(graph.lambda(spec.consumer.function).fn.outputs.arn);
      expect(m.batchSize, name).toBe(spec.consumer.batchSize);
      expect(m.maximumBatchingWindowInSeconds, name).toBe(spec.consumer.batchingWindowSeconds);
      expect(m.functionResponseTypes, name).toEqual(["ReportBatchItemFailures"]);
      expect(m.scalingConfig, name).toEqual({ maximumConcurrency: spec.consumer.maxConcurrency });
    }
  });

  it("every stream mapping bisects, retries a bounded number of times and sends failures to its DLQ", () => {
    for (const [name, spec] of Object.entries(streamMappings)) {
      const table = graph.child(spec.table, "aws:dynamodb/table:Table");
      expect(table.inputs.streamEnabled, name).toBe(true);
      const found = mappings().filter(
        (m) =>
          m.inputs.eventSourceArn === table.outputs.streamArn &&
          m.inputs.functionName === graph.lambda(spec.function).fn.outputs.arn,
      );
      expect(found, name).toHaveLength(1);
      const m = found[0]!.inputs;
      expect(m.batchSize, name).toBe(spec.batchSize);
      expect(m.startingPosition, name).toBe(spec.startingPosition);
      expect(m.bisectBatchOnFunctionError, name).toBe(true);
      expect(m.maximumRetryAttempts, name).toBe(spec.maximumRetryAttempts);
      expect(m.maximumRetryAttempts, name).toBeGreaterThan(0);
      expect(m.functionResponseTypes, name).toEqual(["ReportBatchItemFailures"]);
      expect(m.destinationConfig.onFailure.destinationArn, name).toBe(queueArn(spec.onFailure));
      const onFailure = queueSpecs[spec.onFailure];
      expect(onFailure.kind === "dlq" && onFailure.catches, name).toBe("stream-failures");
    }
  });

  it("every SQS mapping reports partial batch failures within Lambda's limits", () => {
    for (const m of mappings().filter((m) => m.inputs.eventSourceArn.startsWith("arn:aws:sqs:"))) {
      const { inputs } = m;
      expect(inputs.functionResponseTypes, m.name).toEqual(["ReportBatchItemFailures"]);
      expect(inputs.scalingConfig.maximumConcurrency, m.name).toBeGreaterThanOrEqual(2);
      expect(inputs.scalingConfig.maximumConcurrency, m.name).toBeLessThanOrEqual(1000);
      // Lambda rejects a batch above 10 without a batching window.
      if (inputs.batchSize > 10)
        expect(inputs.maximumBatchingWindowInSeconds, m.name).toBeGreaterThan(0);
    }
  });

  it("every mapping in the graph is one the topology declares", () => {
    const streams = Object.keys(streamMappings).length;
    const work = Object.values(queueSpecs).filter((q) => q.kind === "work").length;
    expect(mappings()).toHaveLength(streams + work);
  });
});

describe("queues", () => {
  it("every work queue redrives to its DLQ; its visibility timeout is ≥ 6× its consumer's timeout", () => {
    for (const [name, spec] of Object.entries(queueSpecs)) {
      if (spec.kind !== "work") continue;
      const queue = graph.child(name, "aws:sqs/queue:Queue").inputs;
      const redrive = JSON.parse(queue.redrivePolicy);
      expect(redrive, name).toEqual({
        deadLetterTargetArn: queueArn(spec.dlq),
        maxReceiveCount: spec.maxReceiveCount,
      });
      for (const m of mappings().filter((m) => m.inputs.eventSourceArn === queueArn(name)))
        expect(queue.visibilityTimeoutSeconds, name).toBeGreaterThanOrEqual(
          6 * timeoutOf(m.inputs.functionName),
        );
    }
  });

  it("every DLQ keeps messages longer than the queues that feed it", () => {
    // SQS expires a dead letter by its original enqueue time.
    for (const [name, spec] of Object.entries(queueSpecs)) {
      if (spec.kind !== "work") continue;
      const source = graph.child(name, "aws:sqs/queue:Queue").inputs.messageRetentionSeconds;
      const dlq = graph.child(spec.dlq, "aws:sqs/queue:Queue").inputs.messageRetentionSeconds;
      expect(dlq, name).toBeGreaterThan(source);
    }
  });

  it("every DLQ has a depth alarm that fires on its first message", () => {
    const alarms = graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    for (const [name, spec] of Object.entries(queueSpecs)) {
      if (spec.kind !== "dlq") continue;
      const queueName = graph.child(name, "aws:sqs/queue:Queue").outputs.name;
      const depth = alarms.find(
        (a) =>
          a.inputs.namespace === "AWS/SQS" &&
          a.inputs.metricName === "ApproximateNumberOfMessagesVisible" &&
          a.inputs.dimensions?.QueueName === queueName,
      );
      expect(depth, `${name} has no depth alarm`).toBeDefined();
      expect(depth!.inputs.threshold, name).toBe(0);
      expect(depth!.inputs.comparisonOperator, name).toBe("GreaterThanThreshold");
    }
  });

  it("every DLQ keeps messages 14 days and has no DLQ of its own", () => {
    for (const [name, spec] of Object.entries(queueSpecs)) {
      if (spec.kind !== "dlq") continue;
      const queue = graph.child(name, "aws:sqs/queue:Queue").inputs;
      expect(queue.messageRetentionSeconds, name).toBe(14 * 86_400);
      expect(queue.redrivePolicy, name).toBeUndefined();
    }
  });
});

describe("EventBridge rules", () => {
  const targetsOf = (rule: GraphResource) =>
    graph
      .ofType("aws:cloudwatch/eventTarget:EventTarget")
      .filter((t) => t.inputs.rule === rule.outputs.name);
  const queuePolicyAllows = (queue: string, ruleArn: string) =>
    graph.ofType("aws:sqs/queuePolicy:QueuePolicy").some((p) => {
      const doc = policyDocument(p.inputs.policy);
      return doc.Statement.some(
        (s) =>
          list(s.Resource).includes(queue) &&
          list(s.Action).includes("sqs:SendMessage") &&
          list(s.Principal?.Service).includes("events.amazonaws.com") &&
          list(s.Condition?.ArnEquals?.["aws:SourceArn"]).includes(ruleArn),
      );
    });

  it("every rule has one target with a DLQ and the topology's retry policy, both allowed to it", () => {
    const rules = graph.ofType("aws:cloudwatch/eventRule:EventRule");
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.inputs.eventPattern, rule.name).not.toMatch(/\$\{/);
      JSON.parse(rule.inputs.eventPattern);
      const targets = targetsOf(rule);
      expect(targets, rule.name).toHaveLength(1);
      const target = targets[0]!.inputs;
      expect(target.eventBusName, rule.name).toBe(rule.inputs.eventBusName);
      expect(target.retryPolicy, rule.name).toEqual({
        maximumEventAgeInSeconds: busSpec.targetRetry.maximumEventAgeSeconds,
        maximumRetryAttempts: busSpec.targetRetry.maximumRetryAttempts,
      });
      const dlq = target.deadLetterConfig?.arn;
      expect(graph.byOutput(dlq)?.type, `${rule.name}'s DLQ`).toBe("aws:sqs/queue:Queue");
      // …a queue the topology keeps for undeliverable events, not a work queue's DLQ.
      const dlqSpec = queueSpecs[graph.byOutput(dlq)!.parent as keyof typeof queueSpecs];
      expect(dlqSpec.kind === "dlq" && dlqSpec.catches, rule.name).toBe("rule-delivery-failures");
      expect(queuePolicyAllows(dlq, rule.outputs.arn), `${rule.name} may send to its DLQ`).toBe(
        true,
      );

      const destination = graph.byOutput(target.arn);
      expect(destination, `${rule.name}'s target ${target.arn}`).toBeDefined();
      switch (destination!.type) {
        case "aws:sqs/queue:Queue":
          expect(queuePolicyAllows(target.arn, rule.outputs.arn), rule.name).toBe(true);
          break;
        case "aws:sns/topic:Topic": {
          const allowed = graph
            .ofType("aws:sns/topicPolicy:TopicPolicy")
            .some((p) =>
              policyDocument(p.inputs.policy).Statement.some(
                (s) =>
                  list(s.Resource).includes(target.arn) &&
                  list(s.Condition?.ArnEquals?.["aws:SourceArn"]).includes(rule.outputs.arn),
              ),
            );
          expect(allowed, rule.name).toBe(true);
          break;
        }
        case "aws:sfn/stateMachine:StateMachine": {
          const role = graph.byOutput(target.roleArn)!;
          expect(policyDocument(role.inputs.assumeRolePolicy).Statement[0]!.Principal).toEqual({
            Service: "events.amazonaws.com",
          });
          expect(allows(roleStatements(role), "states:StartExecution", target.arn), rule.name).toBe(
            true,
          );
          break;
        }
        case "aws:lambda/function:Function": {
          const permitted = graph
            .ofType("aws:lambda/permission:Permission")
            .some(
              (p) =>
                p.inputs.principal === "events.amazonaws.com" &&
                p.inputs.sourceArn === rule.outputs.arn &&
                [destination!.outputs.arn, destination!.outputs.name].includes(p.inputs.function),
            );
          expect(permitted, rule.name).toBe(true);
          break;
        }
        default:
          throw new Error(`${rule.name} targets a ${destination!.type}`);
      }
    }
  });
});

describe("fulfilment saga", () => {
  const machine = () => graph.ofType("aws:sfn/stateMachine:StateMachine")[0]!;

  it("is a Standard machine whose definition has every placeholder filled with graph resources", () => {
    const { inputs } = machine();
    expect(inputs.type).toBe("STANDARD");
    expect(inputs.definition).not.toMatch(/\$\{/);
    const definition = JSON.parse(inputs.definition);
    const arns = new Set(lambdas().map((fn) => fn.outputs.arn));
    const states = Object.values(definition.States) as {
      Type: string;
      Parameters?: Record<string, unknown>;
    }[];
    const invoked = states.flatMap((s) => {
      const fn = s.Parameters?.FunctionName;
      return typeof fn === "string" ? [fn] : [];
    });
    expect(invoked.length).toBeGreaterThan(0);
    for (const fn of invoked) expect(arns, fn).toContain(fn);
    const queueUrls = states.flatMap((s) =>
      typeof s.Parameters?.QueueUrl === "string" ? [s.Parameters.QueueUrl] : [],
    );
    for (const url of queueUrls)
      expect(graph.byOutput(url, "url")?.type).toBe("aws:sqs/queue:Queue");
  });

  it("runs as a role that Step Functions assumes, invoking exactly its steps", () => {
    const { inputs } = machine();
    const role = graph.byOutput(inputs.roleArn)!;
    expect(policyDocument(role.inputs.assumeRolePolicy).Statement[0]!.Principal).toEqual({
      Service: "states.amazonaws.com",
    });
    const definition = JSON.parse(inputs.definition);
    const steps = new Set(
      (Object.values(definition.States) as { Parameters?: { FunctionName?: string } }[]).flatMap(
        (s) => (s.Parameters?.FunctionName ? [s.Parameters.FunctionName] : []),
      ),
    );
    const invokable = roleStatements(role)
      .filter((s: PolicyStatement) => list(s.Action).includes("lambda:InvokeFunction"))
      .flatMap((s) => list(s.Resource));
    expect(new Set(invokable)).toEqual(steps);
  });

  it("has a deadline; its unfinished ends reach the compensator, whose failures reach a DLQ", () => {
    const definition = JSON.parse(machine().inputs.definition);
    expect(definition.TimeoutSeconds).toBe(orderPolicy.sagaTimeoutSeconds);
    // Step Functions emits status changes to the default bus only.
    const rule = graph
      .ofType("aws:cloudwatch/eventRule:EventRule")
      .find((r) => r.name === "SagaEndedToCompensator")!;
    expect(rule.inputs.eventBusName).toBe("default");
    expect(JSON.parse(rule.inputs.eventPattern)).toMatchObject({
      source: ["aws.states"],
      detail: { stateMachineArn: [machine().outputs.arn] },
    });
    const compensator = graph.child("SagaCompensator", "aws:lambda/function:Function");
    const dlq = queueArn("SagaCompensationDlq");
    const config = graph
      .ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
      .find((c) =>
        [compensator.outputs.name, compensator.outputs.arn].includes(c.inputs.functionName),
      )!;
    expect(config.inputs.destinationConfig.onFailure.destination).toBe(dlq);
    expect(
      allows(roleStatements(graph.byOutput(compensator.inputs.role)!), "sqs:SendMessage", dlq),
    ).toBe(true);
  });

  it("logs to its log group and is traced", () => {
    const { inputs } = machine();
    const logGroup = graph.named("FulfillmentSagaLogs");
    expect(inputs.loggingConfiguration).toEqual({
      includeExecutionData: true,
      level: "ERROR",
      logDestination: `${logGroup.outputs.arn}:*`,
    });
    expect(inputs.tracingConfiguration).toEqual({ enabled: true });
  });
});

describe("approval callbacks (the decisions' outbox)", () => {
  const machineArn = () =>
    graph.ofType("aws:sfn/stateMachine:StateMachine")[0]!.outputs.arn as string;

  it("ApprovalCallbacks may answer the saga's tasks and read an execution's history, and start or stop nothing", () => {
    const { statements } = graph.lambda("ApprovalCallbacks");
    const execution = `${machineArn().replace(":stateMachine:", ":execution:")}:some-execution`;
    expect(allows(statements, "states:SendTaskSuccess", machineArn())).toBe(true);
    expect(allows(statements, "states:SendTaskFailure", machineArn())).toBe(true);
    expect(allows(statements, "states:GetExecutionHistory", execution)).toBe(true);
    for (const action of ["states:StartExecution", "states:StopExecution"])
      expect(allows(statements, action, machineArn()), action).toBe(false);
    // The admin API no longer answers tasks: the decision's stream record does.
    expect(
      allows(graph.lambda("AdminApi").statements, "states:SendTaskSuccess", machineArn()),
    ).toBe(false);
  });

  it("its mapping on the orders stream is filtered to approvals leaving PENDING", () => {
    const fn = graph.lambda("ApprovalCallbacks").fn.outputs.arn;
    const found = mappings().filter((m) => m.inputs.functionName === fn);
    expect(found).toHaveLength(1);
    const filters = (found[0]!.inputs.filterCriteria as { filters: { pattern: string }[] }).filters;
    expect(filters.map((f) => JSON.parse(f.pattern))).toEqual(
      streamMappings.ApprovalDecisions.filters,
    );
  });
});

describe("HTTP API", () => {
  const api = () => graph.child("Api", "aws:apigatewayv2/api:Api");

  it("serves every topology route with its function, the JWT authorizer and its scopes", () => {
    const routes = graph.ofType("aws:apigatewayv2/route:Route");
    expect(routes.map((r) => r.inputs.routeKey).sort()).toEqual(Object.keys(apiSpec.routes).sort());
    const [authorizer] = graph.ofType("aws:apigatewayv2/authorizer:Authorizer");
    const pool = graph.ofType("aws:cognito/userPool:UserPool")[0]!;
    const client = graph.ofType("aws:cognito/userPoolClient:UserPoolClient")[0]!;
    expect(authorizer!.inputs.jwtConfiguration).toEqual({
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool.outputs.id}`,
      audiences: [client.outputs.id],
    });
    for (const route of routes) {
      const spec = apiSpec.routes[route.inputs.routeKey as keyof typeof apiSpec.routes];
      expect(route.inputs.authorizationType, route.name).toBe(spec.auth === "jwt" ? "JWT" : "NONE");
      if (spec.auth === "jwt") expect(route.inputs.authorizerId).toBe(authorizer!.outputs.id);
      expect(list(route.inputs.authorizationScopes), route.name).toEqual([...spec.scopes]);
      const integration = graph.resources.find(
        (r) =>
          r.type === "aws:apigatewayv2/integration:Integration" &&
          `integrations/${r.outputs.id}` === route.inputs.target,
      )!;
      expect(integration.inputs.integrationUri, route.inputs.routeKey).toBe(
        graph.lambda(spec.function).fn.outputs.arn,
      );
    }
  });

  it("allows CORS from the console's own origin and Vite's (not a production stage), never *", () => {
    const cors = api().inputs.corsConfiguration;
    const distribution = graph.ofType("aws:cloudfront/distribution:Distribution")[0]!;
    expect(cors.allowOrigins).toEqual([
      `https://${distribution.outputs.domainName}`,
      "http://localhost:5173",
    ]);
  });

  it("routes live under the path the router sends to the API, with scopes the pool's resource server has", () => {
    const server = graph.ofType("aws:cognito/resourceServer:ResourceServer")[0]!.inputs;
    const known = new Set(
      server.scopes.map((s: { scopeName: string }) => `${server.identifier}/${s.scopeName}`),
    );
    for (const route of graph.ofType("aws:apigatewayv2/route:Route")) {
      expect(route.inputs.routeKey).toMatch(
        new RegExp(`^(GET|POST|PUT|PATCH|DELETE|ANY) ${webConsole.apiBasePath}/`),
      );
      for (const scope of list(route.inputs.authorizationScopes))
        expect(known, route.inputs.routeKey).toContain(scope);
    }
  });

  it("throttles the stage and every route as the topology says", () => {
    const stage = graph.child("Api", "aws:apigatewayv2/stage:Stage").inputs;
    expect(stage.defaultRouteSettings.throttlingRateLimit).toBe(apiSpec.defaultThrottle.rate);
    for (const [routeKey, spec] of Object.entries(apiSpec.routes)) {
      const setting = stage.routeSettings.find(
        (s: { routeKey: string }) => s.routeKey === routeKey,
      );
      expect(setting?.throttlingRateLimit, routeKey).toBe(spec.throttle.rate);
      expect(setting?.throttlingBurstLimit, routeKey).toBe(spec.throttle.burst);
      expect(setting.throttlingBurstLimit, routeKey).toBeGreaterThanOrEqual(
        setting.throttlingRateLimit,
      );
    }
  });
});

describe("the console's CloudFront router", () => {
  // SST 4's Router: one default behaviour; a CloudFront Function picks the
  // origin from routes kept in a KeyValueStore (`type,namespace,host,path`).
  function routeFor(path: string) {
    const entries = graph
      .ofType("pulumi-nodejs:dynamic:Resource")
      .filter((r) => r.name.endsWith(".sst.aws.KvRoutesUpdate"))
      .map((r) => {
        const [type, namespace, , prefix] = (r.inputs.entry as string).split(",");
        return { type: type!, namespace: namespace!, prefix: prefix ?? "" };
      })
      .sort((a, b) => b.prefix.length - a.prefix.length);
    const route = entries.find(
      (e) => e.prefix === "" || path === e.prefix || path.startsWith(`${e.prefix}/`),
    );
    if (!route) return undefined;
    const keys = graph
      .ofType("pulumi-nodejs:dynamic:Resource")
      .find((r) => r.name.endsWith(".sst.aws.KvKeys") && r.inputs.namespace === route.namespace)!;
    return {
      ...route,
      metadata: JSON.parse(keys.inputs.entries.metadata),
      files: keys.inputs.entries,
    };
  }

  it("sends /api/* to the HTTP API", () => {
    const host = new URL(graph.child("Api", "aws:apigatewayv2/api:Api").outputs.apiEndpoint).host;
    for (const path of ["/api/orders", "/api/admin/queues", `${webConsole.apiBasePath}/catalog`]) {
      const route = routeFor(path)!;
      expect(route.type, path).toBe("url");
      expect(route.metadata.host, path).toBe(host);
    }
  });

  it("sends everything else to the site, whose SPA answers /auth/callback", () => {
    for (const path of ["/", "/orders/ord_1", authSpec.callbackPath, "/apiary"]) {
      const route = routeFor(path)!;
      expect(route.type, path).toBe("site");
    }
    const site = routeFor(authSpec.callbackPath)!;
    // Not a file of the build: the route falls back to the SPA's index.html.
    expect(site.files[authSpec.callbackPath]).toBeUndefined();
    expect(site.metadata.custom404).toBe("/index.html");
  });

  it("neither caches API responses nor strips Authorization, on any method", () => {
    const distribution = graph.ofType("aws:cloudfront/distribution:Distribution")[0]!.inputs;
    const behaviour = distribution.defaultCacheBehavior;
    expect(distribution.orderedCacheBehaviors ?? []).toEqual([]);
    expect([...behaviour.allowedMethods].sort()).toEqual(
      ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].sort(),
    );
    const policy = graph.resources.find(
      (r) =>
        r.type === "aws:cloudfront/cachePolicy:CachePolicy" &&
        r.outputs.id === behaviour.cachePolicyId,
    )!.inputs;
    // CloudFront forwards Authorization only as part of the cache key.
    expect(policy.parametersInCacheKeyAndForwardedToOrigin.headersConfig.headers.items).toContain(
      "authorization",
    );
    // Nothing is cached unless the origin asks for it; the API answers no-store.
    expect(policy.defaultTtl).toBe(0);
    expect(policy.minTtl).toBe(0);
    // …not even the errors CloudFront would otherwise keep for 10 s.
    const errorTtls = Object.fromEntries(
      list(
        distribution.customErrorResponses as { errorCode: number; errorCachingMinTtl: number }[],
      ).map((r) => [r.errorCode, r.errorCachingMinTtl]),
    );
    for (const code of [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504])
      expect(errorTtls[code], `error ${code} cached`).toBe(0);
    const http = readFileSync(join(root, "packages/functions/src/lib/http.ts"), "utf8");
    expect(http).toMatch(/"cache-control": "no-store"/);
  });
});

describe("alarms", () => {
  it("every topology alarm exists, watches a resource in the graph and notifies the alarm topic", () => {
    const alarms = graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms).toHaveLength(alarmSpecs().length);
    expect(new Set(alarms.map((a) => a.inputs.name)).size).toBe(alarms.length);
    const topic = graph.child("AlarmTopic", "aws:sns/topic:Topic").outputs.arn;
    const names = new Set(resources.map((r) => r.outputs.name ?? r.inputs.name).filter(Boolean));
    const arns = new Set(resources.map((r) => r.outputs.arn).filter(Boolean));
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).toEqual([topic]);
      expect(alarm.inputs.okActions, alarm.name).toEqual([topic]);
      for (const [dimension, value] of Object.entries(
        alarm.inputs.dimensions as Record<string, string>,
      )) {
        if (dimension === "EventBusName" && value === "default") continue;
        expect(
          dimension === "StateMachineArn" ? arns.has(value) : names.has(value),
          `${alarm.name}: ${dimension}=${value}`,
        ).toBe(true);
      }
    }
  });
});

describe("first deploy", () => {
  it("seeds the catalogue into the inventory table, as the local cloud does", () => {
    const table = graph.child("InventoryTable", "aws:dynamodb/table:Table").outputs.name;
    const seeded = graph
      .ofType("aws:dynamodb/tableItem:TableItem")
      .filter((r) => r.inputs.tableName === table)
      .map((r) => JSON.parse(r.inputs.item));
    const plain = (item: Record<string, { S?: string; N?: string; BOOL?: boolean }>) =>
      Object.fromEntries(
        Object.entries(item).map(([k, v]) => [
          k,
          v.N !== undefined ? Number(v.N) : (v.S ?? v.BOOL),
        ]),
      );
    expect(seeded.map(plain)).toEqual(
      expect.arrayContaining(catalog.map((item) => expect.objectContaining(stockRecord(item)))),
    );
    expect(seeded).toHaveLength(catalog.length);
  });

  it("scripts/create-operator.sh adds a user to the pool's operator group, found from the stage outputs", () => {
    const pool = graph.ofType("aws:cognito/userPool:UserPool")[0]!;
    const group = graph.ofType("aws:cognito/userGroup:UserGroup")[0]!.inputs;
    expect(group).toMatchObject({ userPoolId: pool.outputs.id, name: authSpec.operatorGroup });
    const script = readFileSync(join(root, "scripts/create-operator.sh"), "utf8");
    expect(script).toContain(`group="${authSpec.operatorGroup}"`);
    expect(script).toMatch(/admin-create-user[\s\S]*admin-add-user-to-group/);
    expect(script).toContain(".userPoolId");
    expect(readFileSync(join(root, "sst.config.ts"), "utf8")).toMatch(
      /userPoolId: auth\.userPool\.id/,
    );
  });

  it("`sst dev` runs the console's dev server against the stage: its API and its Cognito client", async () => {
    const site = graph.named("Web", "sst:aws:StaticSite").outputs._metadata.environment;
    const api = graph.child("Api", "aws:apigatewayv2/api:Api").outputs.apiEndpoint;
    expect(site.CONSOLE_API_PROXY).toBe(api);
    // The dev server SST starts reads it (the local cloud's path stays the default).
    process.env.CONSOLE_API_PROXY = site.CONSOLE_API_PROXY;
    try {
      const { default: config } = await import("../packages/web/vite.config");
      expect(config.server?.proxy?.["/api"]).toEqual({ target: api, changeOrigin: true });
      expect(config.server?.port).toBe(5173);
    } finally {
      delete process.env.CONSOLE_API_PROXY;
    }
    // Signing in from Vite's origin comes back to it (not a production stage).
    const client = graph.ofType("aws:cognito/userPoolClient:UserPoolClient")[0]!.inputs;
    expect(client.callbackUrls).toContain(`http://localhost:5173${authSpec.callbackPath}`);
  });

  it("the admin API may make every AWS call its code makes", () => {
    const { statements } = graph.lambda("AdminApi");
    const services: Record<string, string> = {
      "@aws-sdk/client-sqs": "sqs",
      "@aws-sdk/client-eventbridge": "events",
      "@aws-sdk/client-cloudwatch": "cloudwatch",
      "@aws-sdk/client-cloudwatch-logs": "logs",
      "@aws-sdk/client-sfn": "states",
      "@aws-sdk/client-dynamodb": "dynamodb",
      "@aws-sdk/lib-dynamodb": "dynamodb",
    };
    const dir = join(root, "packages/functions/src/admin/adapters");
    const calls: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.includes(".test."))) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const [, names, module] of source.matchAll(
        /import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)"/g,
      )) {
        const service = services[module!];
        if (!service) continue;
        for (const [, command] of names!.matchAll(/\b(\w+)Command\b/g))
          if (source.includes(`new ${command}Command(`)) calls.push(`${service}:${command}`);
      }
    }
    expect(calls).toContain("events:StartReplay");
    for (const action of calls)
      expect(
        statements.some((s) =>
          list(s.Action).some((a) => new RegExp(`^${a.replace("*", ".*")}$`).test(action)),
        ),
        `AdminApi may not call ${action}`,
      ).toBe(true);
  });

  it("the admin API may replay from the bus's archive and query the stage's function logs", () => {
    const { statements } = graph.lambda("AdminApi");
    const archive = graph.ofType("aws:cloudwatch/eventArchive:EventArchive")[0]!.outputs.arn;
    for (const action of ["events:DescribeArchive", "events:StartReplay"])
      expect(allows(statements, action, archive), action).toBe(true);
    // AWS authorises a replay on its archive, its destination bus and the replay itself.
    const bus = graph.child("Bus", "aws:cloudwatch/eventBus:EventBus").outputs.arn;
    expect(allows(statements, "events:StartReplay", bus)).toBe(true);
    const replay = "arn:aws:events:us-east-1:000000000000:replay/ops-alice-1765000000000";
    expect(allows(statements, "events:StartReplay", replay)).toBe(true);
    // Never putting events on any other bus than ours.
    const defaultBus = "arn:aws:events:us-east-1:000000000000:event-bus/default";
    expect(allows(statements, "events:PutEvents", defaultBus)).toBe(false);
    for (const action of [
      "events:ListReplays",
      "events:ListArchives",
      "events:ListRules",
      "logs:DescribeLogGroups",
      "logs:GetQueryResults",
      "cloudwatch:GetMetricData",
    ])
      expect(allows(statements, action, "*"), action).toBe(true);
    for (const fn of lambdas()) {
      const group = `arn:aws:logs:us-east-1:000000000000:log-group:${fn.inputs.loggingConfig.logGroup}`;
      expect(allows(statements, "logs:StartQuery", group), group).toBe(true);
    }
  });
});
