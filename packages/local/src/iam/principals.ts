// Who calls: an access key id names a function (`fnIngress`), a role (the
// state machine's, an EventBridge target's), a service principal acting for a
// source (`events.amazonaws.com` for a rule, `sns.amazonaws.com` for a topic),
// or — any other key — the account's administrator. Keys are letters and
// digits only: DynamoDB Local refuses anything else in an access key id.
import { createHash } from "node:crypto";
import { ACCOUNT_ID } from "../config";
import { type GraphPolicies, roleNameOf } from "./policies";

export type Principal =
  | { kind: "admin"; key: string; arn: string }
  | {
      kind: "role";
      key: string;
      roleArn: string;
      /** The role session's ARN, as AWS names the caller in a denial. */
      arn: string;
      sessionName: string;
      /** The topology's function name, when a function's execution environment calls. */
      functionName?: string;
    }
  | { kind: "service"; key: string; service: string; sourceArn: string; arn: string };

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 20);

/** A role or service principal's key, by the mint that made it (keys are one-way hashes). */
const minted = new Map<
  string,
  { roleArn: string; sessionName: string } | { service: string; sourceArn: string }
>();

/** The access key id of a function's execution environments: `fn<FunctionName>`. */
export function keyForFunction(name: string): string {
  if (!/^[A-Za-z0-9]+$/.test(name)) throw new Error(`not a topology function name: ${name}`);
  return `fn${name}`;
}

/** The access key id of a role's session (the state machine's role, an EventBridge target's role). */
export function keyForRole(roleArn: string, sessionName = "local"): string {
  const key = `role${digest(`${roleArn}\n${sessionName}`)}`;
  minted.set(key, { roleArn, sessionName });
  return key;
}

/** The access key id of a service principal acting for a source (`events.amazonaws.com` + a rule ARN). */
export function keyForService(service: string, sourceArn: string): string {
  const key = `svc${digest(`${service}\n${sourceArn}`)}`;
  minted.set(key, { service, sourceArn });
  return key;
}

export const adminArn = `arn:aws:iam::${ACCOUNT_ID}:root`;
export const sessionArn = (roleArn: string, sessionName: string) =>
  `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;

/** Resolves access key ids against the graph; unknown keys and unknown roles are the administrator. */
export function principalResolver(graph: GraphPolicies): (key: string) => Principal {
  // The graph's own roles and sources resolve even if their keys were minted in another process.
  for (const role of graph.roles) keyForRole(role);
  for (const rule of graph.ruleArns) keyForService("events.amazonaws.com", rule);
  for (const topic of graph.topicArns) keyForService("sns.amazonaws.com", topic);
  const byFunctionKey = new Map(
    [...graph.functions.values()].map((f) => [keyForFunction(f.name), f]),
  );
  const admin = (key: string): Principal => ({ kind: "admin", key, arn: adminArn });
  return (key) => {
    const fn = byFunctionKey.get(key);
    if (fn) {
      if (!graph.roles.has(fn.roleArn)) return admin(key);
      return {
        kind: "role",
        key,
        roleArn: fn.roleArn,
        sessionName: fn.physicalName,
        arn: sessionArn(fn.roleArn, fn.physicalName),
        functionName: fn.name,
      };
    }
    const mint = minted.get(key);
    if (!mint) return admin(key);
    if ("service" in mint) return { kind: "service", key, ...mint, arn: mint.service };
    // A role the graph does not know (a state machine created through the API) is the administrator.
    if (!graph.roles.has(mint.roleArn)) return admin(key);
    return { kind: "role", key, ...mint, arn: sessionArn(mint.roleArn, mint.sessionName) };
  };
}
