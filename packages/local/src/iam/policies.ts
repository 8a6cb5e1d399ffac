// The policies AWS would attach, read from the synthesized resource graph:
// each role's identity policies (inline, role policies, attached managed
// policies), each resource's policy (queue, topic, function), and which role
// each function, state machine and EventBridge target runs as.
import { ACCOUNT_ID, REGION } from "../config";
import type { GraphResource } from "../graph";
import managedPolicies from "./managed-policies.json" with { type: "json" };

export type { GraphResource };

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: "*" | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

export interface NamedPolicy {
  /** `inline:<name>`, `rolePolicy:<resource name>`, or the managed policy's ARN. */
  name: string;
  policy: PolicyDocument;
}

export interface FunctionIdentity {
  /** The topology's name (`Ingress`), the SST component's. */
  name: string;
  /** The deployed function name (the role session's name). */
  physicalName: string;
  arn: string;
  roleArn: string;
}

export interface GraphPolicies {
  /** A role's identity policies; `undefined` for a role the graph does not know. */
  identityPolicies(roleArn: string): NamedPolicy[] | undefined;
  /** The resource policy AWS consults for this ARN (queue, topic, function), if any. */
  resourcePolicy(arn: string): PolicyDocument | undefined;
  /** Functions by topology name. */
  functions: ReadonlyMap<string, FunctionIdentity>;
  /** Every role of the graph, by ARN (its name is the last path segment). */
  roles: ReadonlySet<string>;
  /** The state machines' roles, by state machine ARN. */
  stateMachineRoles: ReadonlyMap<string, string>;
  /** EventBridge targets that act with a role: target ARN, rule ARN, role ARN. */
  targetRoles: readonly { rule: string; target: string; roleArn: string }[];
  /** Rules (`events.amazonaws.com` sources) and topics (`sns.amazonaws.com` sources). */
  ruleArns: readonly string[];
  topicArns: readonly string[];
  /** Each stream-enabled table's stream ARN as deployed, by table ARN. */
  tableStreams: ReadonlyMap<string, string>;
  /** What the graph holds that we could not read (an unknown managed policy, two policies on one queue). */
  warnings: readonly string[];
}

const list = <T>(value: T | T[] | undefined | null): T[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** A policy document as the provider receives it: a JSON string or an object. */
export function policyDocument(value: unknown): PolicyDocument {
  // biome-ignore lint/suspicious/noExplicitAny: a policy is untyped JSON
  const doc: any = typeof value === "string" ? JSON.parse(value) : value;
  return { Version: doc?.Version ?? "2012-10-17", Statement: list(doc?.Statement) };
}

export const roleNameOf = (roleArn: string) =>
  roleArn
    .replace(/^.*:role\//, "")
    .split("/")
    .pop()!;

const roleArnOf = (r: GraphResource) =>
  String(
    r.outputs?.arn ??
      `arn:aws:iam::${ACCOUNT_ID}:role/${r.inputs?.name ?? r.outputs?.name ?? r.name}`,
  );

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → the queue's ARN. */
export function queueArnOfUrl(url: string): string | undefined {
  const m = /^https?:\/\/(?:sqs\.([a-z0-9-]+)\.[^/]+|[^/]+)\/(\d{12})\/([^/?]+)/.exec(url);
  return m ? `arn:aws:sqs:${m[1] ?? REGION}:${m[2]}:${m[3]}` : undefined;
}

const functionArnOf = (nameOrArn: string) =>
  nameOrArn.startsWith("arn:")
    ? nameOrArn.split(":").slice(0, 7).join(":")
    : `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${nameOrArn}`;

/** A Lambda permission as the statement AWS adds to the function's resource policy. */
function permissionStatement(r: GraphResource, functionArn: string): Statement {
  const i = r.inputs ?? {};
  const principal = String(i.principal);
  const condition: Statement["Condition"] = {};
  if (i.sourceArn) condition.ArnLike = { "aws:SourceArn": String(i.sourceArn) };
  if (i.sourceAccount) condition.StringEquals = { "aws:SourceAccount": String(i.sourceAccount) };
  return {
    Sid: String(i.statementId ?? r.name),
    Effect: "Allow",
    Principal: principal.endsWith(".amazonaws.com")
      ? { Service: principal }
      : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
    Action: String(i.action),
    Resource: functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

export function policiesOf(resources: readonly GraphResource[]): GraphPolicies {
  const warnings: string[] = [];
  const of = (type: string) => resources.filter((r) => r.type === type);

  // Roles are named in other resources by ARN, name or id.
  const roles = new Map<string, NamedPolicy[]>();
  const roleByRef = new Map<string, string>();
  for (const r of of("aws:iam/role:Role")) {
    const arn = roleArnOf(r);
    roles.set(arn, []);
    for (const ref of [arn, r.inputs?.name, r.outputs?.name, r.outputs?.id, roleNameOf(arn)])
      if (typeof ref === "string") roleByRef.set(ref, arn);
  }
  const customerPolicies = new Map<string, PolicyDocument>();
  for (const p of of("aws:iam/policy:Policy"))
    if (p.outputs?.arn)
      customerPolicies.set(String(p.outputs.arn), policyDocument(p.inputs?.policy));
  const managed = managedPolicies as Record<string, { policy: unknown }>;
  const attach = (roleRef: unknown, policyArn: string) => {
    const role = roleByRef.get(String(roleRef));
    if (!role)
      return warnings.push(`${policyArn} is attached to a role not in the graph: ${roleRef}`);
    const doc = customerPolicies.get(policyArn) ?? managed[policyArn]?.policy;
    if (!doc)
      return warnings.push(
        `${policyArn} (attached to ${roleNameOf(role)}) is not in iam/managed-policies.json: it grants nothing locally`,
      );
    roles.get(role)!.push({ name: policyArn, policy: policyDocument(doc) });
  };
  for (const r of of("aws:iam/role:Role")) {
    const arn = roleArnOf(r);
    for (const inline of list(r.inputs?.inlinePolicies))
      if (inline?.policy)
        roles.get(arn)!.push({
          name: `inline:${inline.name ?? r.name}`,
          policy: policyDocument(inline.policy),
        });
    for (const policyArn of list<string>(r.inputs?.managedPolicyArns)) attach(arn, policyArn);
  }
  for (const p of of("aws:iam/rolePolicy:RolePolicy")) {
    const role = roleByRef.get(String(p.inputs?.role));
    if (!role)
      warnings.push(`role policy ${p.name} names a role not in the graph: ${p.inputs?.role}`);
    else
      roles
        .get(role)!
        .push({ name: `rolePolicy:${p.name}`, policy: policyDocument(p.inputs?.policy) });
  }
  for (const a of of("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
    attach(a.inputs?.role, String(a.inputs?.policyArn));

  // Resource policies, by the ARN of the resource they guard.
  const resourcePolicies = new Map<string, PolicyDocument>();
  const addStatements = (arn: string, statements: Statement[], what: string) => {
    const doc = resourcePolicies.get(arn);
    if (doc) {
      // On AWS a queue or topic has one policy: a second resource overwrites the first.
      if (what !== "permission")
        warnings.push(`${arn} has more than one ${what}: AWS keeps only one`);
      doc.Statement.push(...statements);
    } else resourcePolicies.set(arn, { Version: "2012-10-17", Statement: [...statements] });
  };
  for (const q of of("aws:sqs/queuePolicy:QueuePolicy")) {
    const arn = queueArnOfUrl(String(q.inputs?.queueUrl ?? ""));
    if (!arn) warnings.push(`queue policy ${q.name}: cannot read its queue URL`);
    else addStatements(arn, policyDocument(q.inputs?.policy).Statement, "queue policy");
  }
  for (const t of of("aws:sns/topicPolicy:TopicPolicy"))
    addStatements(
      String(t.inputs?.arn),
      policyDocument(t.inputs?.policy).Statement,
      "topic policy",
    );
  for (const p of of("aws:lambda/permission:Permission")) {
    const arn = functionArnOf(String(p.inputs?.function));
    addStatements(arn, [permissionStatement(p, arn)], "permission");
  }

  const functions = new Map<string, FunctionIdentity>();
  for (const f of of("aws:lambda/function:Function")) {
    const roleArn = roleByRef.get(String(f.inputs?.role)) ?? String(f.inputs?.role);
    const name = f.parent ?? f.name.replace(/Function$/, "");
    const physicalName = String(f.inputs?.name ?? f.outputs?.name ?? f.name);
    functions.set(name, {
      name,
      physicalName,
      arn: String(f.outputs?.arn ?? functionArnOf(physicalName)),
      roleArn,
    });
  }
  const stateMachineRoles = new Map<string, string>();
  for (const m of of("aws:sfn/stateMachine:StateMachine"))
    if (m.outputs?.arn && m.inputs?.roleArn)
      stateMachineRoles.set(String(m.outputs.arn), String(m.inputs.roleArn));
  const rules = of("aws:cloudwatch/eventRule:EventRule");
  const ruleArnByName = new Map(
    rules.map((r) => [
      `${r.inputs?.eventBusName ?? "default"}|${r.outputs?.name ?? r.inputs?.name ?? r.name}`,
      String(r.outputs?.arn ?? ""),
    ]),
  );
  const targetRoles = of("aws:cloudwatch/eventTarget:EventTarget")
    .filter((t) => t.inputs?.roleArn)
    .map((t) => ({
      rule: ruleArnByName.get(`${t.inputs?.eventBusName ?? "default"}|${t.inputs?.rule}`) ?? "",
      target: String(t.inputs?.arn),
      roleArn: String(t.inputs?.roleArn),
    }));

  const tableStreams = new Map<string, string>();
  for (const t of of("aws:dynamodb/table:Table"))
    if (t.outputs?.arn && t.outputs?.streamArn)
      tableStreams.set(String(t.outputs.arn), String(t.outputs.streamArn));

  return {
    identityPolicies: (roleArn) => roles.get(roleArn),
    tableStreams,
    resourcePolicy: (arn) => resourcePolicies.get(arn),
    functions,
    roles: new Set(roles.keys()),
    stateMachineRoles,
    targetRoles,
    ruleArns: rules.map((r) => String(r.outputs?.arn ?? "")).filter(Boolean),
    topicArns: of("aws:sns/topic:Topic")
      .map((t) => String(t.outputs?.arn ?? ""))
      .filter(Boolean),
    warnings,
  };
}
