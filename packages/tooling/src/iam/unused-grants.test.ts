// The unused-grants report on a small usage set: a grant is used when an
// allowed call matched its action and resource pattern; an unused one is
// justified only by the topology's `unusedBecause` for that action.
import type { GraphResource } from "@orders/local/graph/index";
import { policiesOf } from "@orders/local/iam/index";
import { describe, expect, it } from "vitest";
import { toMarkdown, type UsageEntry, unjustified, unusedGrants } from "./unused-grants";

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
        ? [
            {
              actions: ["xray:PutTraceSegments"],
              unusedBecause: "sent by the X-Ray daemon, not the API",
            },
          ]
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
      { action: "sqs:SendMessage", resource: queue, policy: "inline:inline" },
      {
        action: "xray:PutTraceSegments",
        resource: "*",
        policy: "inline:inline",
        justification: "sent by the X-Ray daemon, not the API",
      },
    ]);
    expect(unjustified(report).map((g) => g.action)).toEqual([
      "dynamodb:PutItem",
      "dynamodb:Query",
      "sqs:SendMessage",
    ]);
  });

  it("lists each denial once, and writes it all as markdown", () => {
    expect(report.denials).toEqual([call("dynamodb:DeleteItem", table, "denied")]);
    const md = toMarkdown(report, { usageFiles: 1 });
    expect(md).toContain("**3 unjustified unused grant(s)**; 1 justified.");
    expect(md).toContain(`| \`sqs:SendMessage\` | \`${queue}\` | **none** |`);
    expect(md).toContain("| Ingress | `dynamodb:DeleteItem` |");
  });
});
