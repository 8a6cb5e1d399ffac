// The unused-grants report on a small usage set: a grant is used when an
// allowed call matched its action and resource pattern; an unused one is
// justified by the topology's `unusedBecause` for that action (or, for what infra adds
// outside the topology, by the report's own stated reason).
import type { GraphResource } from "@orders/local/graph/index";
import { policiesOf } from "@orders/local/iam/index";
import { describe, expect, it } from "vitest";
import {
  INFRA_GRANTS,
  toMarkdown,
  type UsageEntry,
  unjustified,
  unusedGrants,
} from "./unused-grants";

const table = "arn:aws:dynamodb:us-east-1:000000000000:table/orders";
const queue = "arn:aws:sqs:us-east-1:000000000000:payments";
const roleArn = "arn:aws:iam::000000000000:role/IngressRole";

const graph: GraphResource[] = [
  {
    type: "aws:iam/role:Role",
    name: "IngressRole",
    parent: "Ingress",
    inputs: {
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
      inlinePolicies: [
        {
          name: "inline",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["dynamodb:PutItem", "dynamodb:Query"],
                Resource: [table, `${table}/index/*`],
              },
              { Effect: "Allow", Action: "sqs:SendMessage", Resource: queue },
              { Effect: "Allow", Action: "xray:PutTraceSegments", Resource: "*" },
            ],
          }),
        },
      ],
    },
    outputs: { arn: roleArn },
  },
  {
    type: "aws:lambda/function:Function",
    name: "IngressFunction",
    parent: "Ingress",
    inputs: { name: "orders-Ingress", role: roleArn },
    outputs: { arn: "arn:aws:lambda:us-east-1:000000000000:function:orders-Ingress" },
  },
  {
    type: "aws:iam/role:Role",
    name: "SagaRole",
    parent: null,
    inputs: {
      inlinePolicies: [
        {
          name: "saga",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: queue }],
          }),
        },
      ],
    },
    outputs: { arn: "arn:aws:iam::000000000000:role/SagaRole" },
  },
  {
    type: "aws:sfn/stateMachine:StateMachine",
    name: "Saga",
    parent: null,
    inputs: { roleArn: "arn:aws:iam::000000000000:role/SagaRole" },
    outputs: { arn: "arn:aws:states:us-east-1:000000000000:stateMachine:saga" },
  },
];

const call = (
  action: string,
  resource: string,
  decision: UsageEntry["decision"] = "allowed",
): UsageEntry => ({
  principal: "fnIngress",
  principalArn: "arn:aws:sts::000000000000:assumed-role/IngressRole/orders-Ingress",
  roleArn,
  function: "Ingress",
  action,
  resource,
  decision,
});

describe("the unused-grants report", () => {
  const report = unusedGrants({
    policies: policiesOf(graph),
    usage: [
      call("dynamodb:PutItem", table),
      call("dynamodb:Query", `${table}/index/byCustomer`),
      call("dynamodb:DeleteItem", table, "denied"),
      call("dynamodb:DeleteItem", table, "denied"),
    ],
    declared: (name) =>
      name === "Ingress"
        ? [{ actions: ["sqs:SendMessage"], unusedBecause: "sent only when a payment fails" }]
        : [],
  });

  it("lists per function each grant no allowed call matched, and whether the topology justifies it", () => {
    const [ingress] = report.roles;
    expect(ingress!.name).toBe("Ingress");
    // AWSLambdaBasicExecutionRole's grants are Lambda's, not the code's: left out.
    expect(ingress!.grants).toBe(6);
    expect(ingress!.unused).toEqual([
      { action: "dynamodb:PutItem", resource: `${table}/index/*`, policy: "inline:inline" },
      { action: "dynamodb:Query", resource: table, policy: "inline:inline" },
      {
        action: "sqs:SendMessage",
        resource: queue,
        policy: "inline:inline",
        justification: "sent only when a payment fails",
      },
      {
        action: "xray:PutTraceSegments",
        resource: "*",
        policy: "inline:inline",
        justification: INFRA_GRANTS[0]!.unusedBecause,
      },
    ]);
    expect(unjustified(report).map((g) => g.action)).toEqual([
      "dynamodb:PutItem",
      "dynamodb:Query",
    ]);
  });

  it("lists the state machine's role after the functions, without counting it", () => {
    expect(report.roles.map((r) => [r.name, r.kind, r.unused.length])).toEqual([
      ["Ingress", "function", 4],
      ["SagaRole", "role", 1],
    ]);
    expect(unjustified(report).every((g) => g.role === "Ingress")).toBe(true);
  });

  it("lists each denial once, and writes it all as markdown", () => {
    expect(report.denials).toEqual([call("dynamodb:DeleteItem", table, "denied")]);
    const md = toMarkdown(report, { usageFiles: 1 });
    expect(md).toContain("**2 unjustified unused grant(s)** of the functions; 2 justified.");
    expect(md).toContain(`| \`dynamodb:Query\` | \`${table}\` | **none** |`);
    expect(md).toContain(`| \`sqs:SendMessage\` | \`${queue}\` | sent only when a payment fails |`);
    expect(md).toContain("| Ingress | `dynamodb:DeleteItem` |");
  });
});
