// The evaluator against the rules AWS applies: identity policies of a
// function's role, explicit denies, resource policies for service principals,
// the administrator for every key and role the graph does not know.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deployment, type GraphResource } from "../graph";
import { AwsError, type AwsRequest } from "../protocol";
import {
  createIam,
  keyForFunction,
  keyForRole,
  keyForService,
  policiesOf,
  type Statement,
} from "./index";

const ACCOUNT = "000000000000";
const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-local-Orders`;
const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-local-Payment`;
const ruleArn = `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-bus/OrderPlacedToPayment`;
const roleArn = `arn:aws:iam::${ACCOUNT}:role/orders-local-IngressRole-abc`;
const sagaRoleArn = `arn:aws:iam::${ACCOUNT}:role/FulfillmentSagaRole-1`;

const resource = (
  type: string,
  name: string,
  inputs: GraphResource["inputs"],
  outputs: GraphResource["outputs"] = {},
  parent: string | null = null,
): GraphResource => ({ type, name, parent, inputs, outputs });
const policy = (...Statement: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** A small graph shaped like the synthesized one: one function, its role, a queue with a rule's policy. */
function smallGraph(statements: Statement[]): GraphResource[] {
  return [
    resource(
      "aws:iam/role:Role",
      "IngressRole",
      {
        inlinePolicies: [{ name: "inline", policy: policy(...statements) }],
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
      },
      { arn: roleArn, name: "orders-local-IngressRole-abc" },
      "Ingress",
    ),
    resource(
      "aws:lambda/function:Function",
      "IngressFunction",
      { name: "orders-local-IngressFunction-xyz", role: roleArn },
      { arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-local-IngressFunction-xyz` },
      "Ingress",
    ),
    resource(
      "aws:iam/role:Role",
      "FulfillmentSagaRole",
      { inlinePolicies: [] },
      { arn: sagaRoleArn, name: "FulfillmentSagaRole-1" },
    ),
    resource(
      "aws:iam/rolePolicy:RolePolicy",
      "FulfillmentSagaRoleInvoke",
      {
        role: "FulfillmentSagaRole-1",
        policy: policy({
          Effect: "Allow",
          Action: "lambda:InvokeFunction",
          Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-local-IngressFunction-xyz`,
        }),
      },
      {},
    ),
    resource(
      "aws:sqs/queuePolicy:QueuePolicy",
      "PaymentQueuePolicy",
      {
        queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders-local-Payment`,
        policy: policy({
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue,
          Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
        }),
      },
      {},
    ),
  ];
}

const allowTable: Statement = {
  Effect: "Allow",
  Action: ["dynamodb:PutItem", "dynamodb:GetItem"],
  Resource: [table, `${table}/*`],
};

const dirs: string[] = [];
function iamFor(statements: Statement[], enforce = true) {
  const usageDir = mkdtempSync(join(tmpdir(), "iam-usage-"));
  dirs.push(usageDir);
  const logged: string[] = [];
  const iam = createIam({
    resources: smallGraph(statements),
    enforce,
    usageDir,
    log: (l) => logged.push(l),
  });
  return { iam, logged, usageDir };
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const session = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-local-IngressRole-abc/orders-local-IngressFunction-xyz`;

describe("a function's role", () => {
  it("allows what its statements grant, and denies the rest with AWS's message", async () => {
    const { iam } = iamFor([allowTable]);
    const fn = keyForFunction("Ingress");
    expect(fn).toBe("fnIngress");
    expect(await iam.check(fn, "dynamodb:PutItem", table)).toEqual({ allowed: true, message: "" });
    // AWSLambdaBasicExecutionRole, as AWS publishes it.
    expect(
      (
        await iam.check(
          fn,
          "logs:PutLogEvents",
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:y`,
        )
      ).allowed,
    ).toBe(true);
    expect(await iam.check(fn, "dynamodb:DeleteItem", table)).toEqual({
      allowed: false,
      message: `User: ${session} is not authorized to perform: dynamodb:DeleteItem on resource: ${table} because no identity-based policy allows the dynamodb:DeleteItem action`,
    });
  });

  it("a new resource for an action already evaluated is matched afresh: allowed under the pattern, denied outside it", async () => {
    const { iam } = iamFor([allowTable]);
    expect((await iam.check("fnIngress", "dynamodb:PutItem", table)).allowed).toBe(true);
    expect(
      (await iam.check("fnIngress", "dynamodb:PutItem", `${table}/index/byStatus`)).allowed,
    ).toBe(true);
    const other = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-local-Inventory`;
    expect(await iam.check("fnIngress", "dynamodb:PutItem", other)).toEqual({
      allowed: false,
      message: `User: ${session} is not authorized to perform: dynamodb:PutItem on resource: ${other} because no identity-based policy allows the dynamodb:PutItem action`,
    });
  });

  it("a missing statement denies what it granted", async () => {
    const { iam } = iamFor([]);
    expect((await iam.check("fnIngress", "dynamodb:PutItem", table)).message).toBe(
      `User: ${session} is not authorized to perform: dynamodb:PutItem on resource: ${table} because no identity-based policy allows the dynamodb:PutItem action`,
    );
  });

  it("an explicit deny wins over an allow", async () => {
    const { iam } = iamFor([
      { Effect: "Allow", Action: "dynamodb:*", Resource: "*" },
      { Effect: "Deny", Action: "dynamodb:DeleteItem", Resource: table },
    ]);
    expect(await iam.check("fnIngress", "dynamodb:GetItem", table)).toMatchObject({
      allowed: true,
    });
    expect(await iam.check("fnIngress", "dynamodb:DeleteItem", table)).toEqual({
      allowed: false,
      message: `User: ${session} is not authorized to perform: dynamodb:DeleteItem on resource: ${table} with an explicit deny in an identity-based policy`,
    });
  });

  it("states:SendTaskSuccess, listed without resource types, is granted on the state machine as on AWS", async () => {
    const machine = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:orders-local-FulfillmentSaga`;
    const { iam } = iamFor([
      { Effect: "Allow", Action: "states:SendTaskSuccess", Resource: machine },
    ]);
    expect((await iam.check("fnIngress", "states:SendTaskSuccess", machine)).allowed).toBe(true);
    expect((await iam.check("fnIngress", "states:SendTaskSuccess", `${machine}2`)).allowed).toBe(
      false,
    );
    expect((await iam.check("fnIngress", "states:SendTaskFailure", machine)).allowed).toBe(false);
  });

  it("a role's RolePolicy resource counts as its identity policy", async () => {
    const { iam } = iamFor([]);
    const key = keyForRole(sagaRoleArn);
    expect(key).toMatch(/^[A-Za-z0-9]+$/);
    const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-local-IngressFunction-xyz`;
    expect((await iam.check(key, "lambda:InvokeFunction", fnArn)).allowed).toBe(true);
    expect((await iam.check(key, "lambda:InvokeFunction", `${fnArn}x`)).message).toMatch(
      /^User: arn:aws:sts::000000000000:assumed-role\/FulfillmentSagaRole-1\/local is not authorized/,
    );
  });
});

describe("a request the reference cannot evaluate", () => {
  it("is denied, and the log says what the simulator refused (a declaration to fix)", async () => {
    const { iam, logged } = iamFor([{ Effect: "Allow", Action: "logs:*", Resource: "*" }]);
    // logs:PutLogEvents is authorised on a log stream, not a log group.
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/x`;
    expect((await iam.check("fnIngress", "logs:PutLogEvents", group)).allowed).toBe(false);
    expect(JSON.parse(logged.at(-1)!).simulationError).toEqual(expect.any(String));
  });
});

describe("a service principal", () => {
  it("is allowed by the queue policy only for the rule its condition names", async () => {
    const { iam } = iamFor([]);
    const ours = keyForService("events.amazonaws.com", ruleArn);
    const other = keyForService("events.amazonaws.com", `${ruleArn}Other`);
    expect([ours, other].every((k) => /^[A-Za-z0-9]+$/.test(k))).toBe(true);
    expect(await iam.check(ours, "sqs:SendMessage", queue)).toEqual({ allowed: true, message: "" });
    expect(await iam.check(other, "sqs:SendMessage", queue)).toEqual({
      allowed: false,
      message: `User: events.amazonaws.com is not authorized to perform: sqs:sendmessage on resource: ${queue} because no resource-based policy allows the sqs:sendmessage action`,
    });
    // No policy on the resource at all: nothing can allow a service principal.
    expect((await iam.check(ours, "dynamodb:PutItem", table)).allowed).toBe(false);
  });
});

describe("the administrator", () => {
  it("is any key that names no function, role or service of the graph", async () => {
    const { iam } = iamFor([]);
    for (const key of ["local", "AKIAEXAMPLE", "anonymous", "fnNoSuchFunction"]) {
      expect(iam.principalOf(key).kind).toBe("admin");
      expect((await iam.check(key, "dynamodb:DeleteItem", table)).allowed).toBe(true);
    }
  });

  it("is a role the graph does not know (a state machine created through the API)", async () => {
    const { iam } = iamFor([]);
    const key = keyForRole(`arn:aws:iam::${ACCOUNT}:role/made-up-at-runtime`);
    expect(iam.principalOf(key).kind).toBe("admin");
    expect((await iam.check(key, "states:StartExecution", "*")).allowed).toBe(true);
  });
});

describe("enforcement off, usage record", () => {
  it("allows a would-be denial but logs it, and records each allowed call once per process", async () => {
    const { iam, logged, usageDir } = iamFor([allowTable], false);
    expect((await iam.check("fnIngress", "dynamodb:DeleteItem", table)).allowed).toBe(true);
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({
      msg: "AccessDenied (not enforced)",
      function: "Ingress",
      action: "dynamodb:DeleteItem",
      resource: table,
    });
    await iam.check("fnIngress", "dynamodb:PutItem", table);
    await iam.check("fnIngress", "dynamodb:PutItem", table);
    await iam.check("local", "dynamodb:PutItem", table);
    const files = readdirSync(usageDir);
    expect(files).toHaveLength(1);
    const lines = readFileSync(join(usageDir, files[0]!), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        function: "Ingress",
        action: "dynamodb:DeleteItem",
        decision: "denied",
      }),
      expect.objectContaining({
        function: "Ingress",
        action: "dynamodb:PutItem",
        decision: "allowed",
      }),
    ]);
  });
});

describe("the authorizer (the endpoint's middleware)", () => {
  const inventory = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-local-Inventory`;
  const transaction = (principal: string) => ({
    action: "dynamodb:TransactWriteItems",
    resources: [table, inventory],
    checks: [
      { action: "dynamodb:PutItem", resource: table },
      { action: "dynamodb:UpdateItem", resource: inventory },
      { action: "dynamodb:DeleteItem", resource: inventory },
    ],
    principal,
    request: { service: "dynamodb", correlationId: "order-1" } as AwsRequest,
  });

  it("authorises each check of a request and throws the first refusal in the service's shape", async () => {
    const { iam } = iamFor([allowTable]);
    const error = await Promise.resolve(iam.authorizer(transaction("fnIngress"))).catch((e) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({
      code: "AccessDeniedException",
      status: 400,
      message: `User: ${session} is not authorized to perform: dynamodb:UpdateItem on resource: ${inventory} because no identity-based policy allows the dynamodb:UpdateItem action`,
    });
    await expect(Promise.resolve(iam.authorizer(transaction("local")))).resolves.toBeUndefined();
  });

  it("not enforced, lets the request through and logs every would-be refusal with its correlation id", async () => {
    const { iam, logged } = iamFor([allowTable], false);
    await expect(
      Promise.resolve(iam.authorizer(transaction("fnIngress"))),
    ).resolves.toBeUndefined();
    expect(logged.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ action: "dynamodb:UpdateItem", correlationId: "order-1" }),
      expect.objectContaining({ action: "dynamodb:DeleteItem", correlationId: "order-1" }),
    ]);
  });
});

describe("policies from the synthesized graph", () => {
  const graph = policiesOf(deployment().resources);
  const d = deployment();

  it("every function's role has its inline policy and AWSLambdaBasicExecutionRole", () => {
    expect(graph.functions.size).toBe(Object.keys(d.functions).length);
    for (const [name, fn] of Object.entries(d.functions)) {
      expect(graph.functions.get(name)?.roleArn).toBe(fn.roleArn);
      const policies = graph.identityPolicies(fn.roleArn)!;
      expect(policies.map((p) => p.name)).toContain(
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      );
      expect(policies.flatMap((p) => p.policy.Statement).length).toBeGreaterThan(1);
    }
    expect(graph.warnings).toEqual([]);
  });

  it("the saga's role, and the saga rule's target role, are roles of the graph", () => {
    expect(graph.stateMachineRoles.get(d.stateMachine.arn)).toBe(d.stateMachine.roleArn);
    expect(graph.roles.has(d.stateMachine.roleArn)).toBe(true);
    for (const target of graph.targetRoles) expect(graph.roles.has(target.roleArn)).toBe(true);
    expect(graph.targetRoles.map((t) => t.rule)).toContain(d.rules.OrderPlacedToSaga.arn);
  });

  it("the queue and topic policies admit EventBridge from the rules that target them", () => {
    const payment = graph.resourcePolicy(d.queues.PaymentQueue.arn);
    expect(JSON.stringify(payment)).toContain(d.rules.OrderPlacedToPayment.arn);
    const topic = graph.resourcePolicy(d.topics.NotificationsTopic.arn);
    expect(JSON.stringify(topic)).toContain(d.rules.OrderEventsToNotifications.arn);
  });

  it("allows every delivery the deployment wires: each rule to its target and its DLQ, the topic to its queues", async () => {
    const resources = d.resources;
    const usageDir = mkdtempSync(join(tmpdir(), "iam-usage-"));
    dirs.push(usageDir);
    const iam = createIam({ resources, enforce: true, usageDir, log: () => {} });
    const deliver: Record<string, string> = {
      sqs: "sqs:SendMessage",
      sns: "sns:Publish",
      lambda: "lambda:InvokeFunction",
      states: "states:StartExecution",
    };
    const refused: string[] = [];
    const expectAllowed = async (key: string, action: string, resource: string, what: string) => {
      if (!(await iam.check(key, action, resource)).allowed) refused.push(what);
    };
    const targets = resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      const rule = resources.find(
        (r) =>
          r.type === "aws:cloudwatch/eventRule:EventRule" &&
          r.outputs.name === t.inputs.rule &&
          (r.inputs.eventBusName ?? "default") === (t.inputs.eventBusName ?? "default"),
      )!;
      const events = keyForService("events.amazonaws.com", rule.outputs.arn);
      const target = String(t.inputs.arn);
      const action = deliver[target.split(":")[2]!]!;
      // A target with a role is called as the role; one without, as EventBridge under the target's policy.
      const caller = t.inputs.roleArn ? keyForRole(t.inputs.roleArn) : events;
      await expectAllowed(caller, action, target, `${rule.name} → ${target}`);
      if (t.inputs.deadLetterConfig?.arn)
        await expectAllowed(
          events,
          "sqs:SendMessage",
          t.inputs.deadLetterConfig.arn,
          `${rule.name} → DLQ ${t.inputs.deadLetterConfig.arn}`,
        );
    }
    for (const s of resources.filter(
      (r) => r.type === "aws:sns/topicSubscription:TopicSubscription",
    ))
      await expectAllowed(
        keyForService("sns.amazonaws.com", s.inputs.topic),
        "sqs:SendMessage",
        s.inputs.endpoint,
        `${s.inputs.topic} → ${s.inputs.endpoint}`,
      );
    expect(refused).toEqual([]);
  });

  it("a table's stream is the deployed stream, whatever label DynamoDB Local gave it", async () => {
    const usageDir = mkdtempSync(join(tmpdir(), "iam-usage-"));
    dirs.push(usageDir);
    const iam = createIam({ resources: d.resources, enforce: true, usageDir, log: () => {} });
    const local = `${d.tables.OrdersTable.arn}/stream/2026-12-06T06:17:30.613`;
    expect(await iam.check("fnStreamPublisher", "dynamodb:GetRecords", local)).toEqual({
      allowed: true,
      message: "",
    });
    expect((await iam.check("fnIngress", "dynamodb:GetRecords", local)).message).toContain(
      `on resource: ${d.tables.OrdersTable.arn}/stream/${d.tables.OrdersTable.streamLabel}`,
    );
  });

  it("a Lambda permission is a statement of the function's resource policy", () => {
    const compensator = graph.resourcePolicy(d.functions.SagaCompensator.arn)!;
    expect(compensator.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "lambda:InvokeFunction",
        Resource: d.functions.SagaCompensator.arn,
        Condition: { ArnLike: { "aws:SourceArn": d.rules.SagaEndedToCompensator.arn } },
      }),
    );
  });
});
