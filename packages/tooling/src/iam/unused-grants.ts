// IAM Access Analyzer's policy generation, locally: per function, the grants
// of its role (each action × resource pattern of its statements) that no
// recorded call used, and whether the topology justifies each one.
import type { GraphPolicies, Statement } from "@orders/local/iam/index";

/** One line of a usage file (packages/local/src/iam: one file per process). */
export interface UsageEntry {
  principal: string;
  principalArn: string;
  function?: string;
  roleArn?: string;
  action: string;
  resource: string;
  decision: "allowed" | "denied";
}

/** What the topology says about a function's grants (read defensively: its shape may grow). */
export interface DeclaredGrant {
  actions?: readonly string[];
  unusedBecause?: string;
}

export interface Grant {
  action: string;
  resource: string;
  /** The policy holding it (`inline:…`, a role policy, a managed policy's ARN). */
  policy: string;
}

export interface UnusedGrant extends Grant {
  justification?: string;
}

export interface RoleReport {
  /** The topology's function name, or the role's name for the state machine's and targets' roles. */
  name: string;
  /** Roles other than functions' have no grants in the topology to justify against: shown, not counted. */
  kind: "function" | "role";
  roleArn: string;
  grants: number;
  unused: UnusedGrant[];
}

export interface UnusedGrantsReport {
  roles: RoleReport[];
  denials: UsageEntry[];
  usageEntries: number;
}

const list = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** IAM's wildcards (`*`, `?`); actions compare case-insensitively, ARNs exactly. */
export function patternMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** Lambda's own grants (log delivery), used by the service on AWS, not by the function's code. */
const isAwsManaged = (policy: string) => policy.startsWith("arn:aws:iam::aws:policy/");

function grantsOf(policies: GraphPolicies, roleArn: string): Grant[] {
  const out: Grant[] = [];
  for (const { name, policy } of policies.identityPolicies(roleArn) ?? []) {
    if (isAwsManaged(name)) continue;
    for (const statement of policy.Statement as Statement[]) {
      if (statement.Effect !== "Allow") continue;
      for (const action of list(statement.Action))
        for (const resource of list(statement.Resource))
          out.push({ action, resource, policy: name });
    }
  }
  return out;
}

/**
 * Statements infra adds outside the topology's grants, with why no recorded call uses them: the
 * report says so beside each, rather than leaving them out.
 */
export const INFRA_GRANTS: readonly DeclaredGrant[] = [
  {
    actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    unusedBecause:
      "(infra) SST grants X-Ray to every function with active tracing; Lambda and the X-Ray SDK send segments to X-Ray, which the local cloud does not emulate",
  },
];

function justificationOf(declared: readonly DeclaredGrant[], action: string): string | undefined {
  return [...declared, ...INFRA_GRANTS].find(
    (g) =>
      g.unusedBecause &&
      (g.actions ?? []).some(
        (a) => patternMatches(a, action, true) || patternMatches(action, a, true),
      ),
  )?.unusedBecause;
}

export function unusedGrants(options: {
  policies: GraphPolicies;
  usage: readonly UsageEntry[];
  /** The topology's permissions, by function name. */
  declared: (functionName: string) => readonly DeclaredGrant[];
}): UnusedGrantsReport {
  const { policies, usage } = options;
  const allowed = usage.filter((u) => u.decision === "allowed");
  const report = (
    kind: RoleReport["kind"],
    name: string,
    roleArn: string,
    used: UsageEntry[],
    declared: readonly DeclaredGrant[],
  ): RoleReport => {
    const grants = grantsOf(policies, roleArn);
    const unused = grants
      .filter(
        (g) =>
          !used.some(
            (u) =>
              patternMatches(g.action, u.action, true) && patternMatches(g.resource, u.resource),
          ),
      )
      .map((g) => {
        const justification = justificationOf(declared, g.action);
        return justification ? { ...g, justification } : g;
      });
    return { name, kind, roleArn, grants: grants.length, unused };
  };
  const roles: RoleReport[] = [...policies.functions.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((fn) =>
      report(
        "function",
        fn.name,
        fn.roleArn,
        allowed.filter((u) => u.function === fn.name),
        options.declared(fn.name),
      ),
    );
  // The state machine's and EventBridge targets' roles: their calls are recorded by role ARN.
  const otherRoles = new Set([
    ...policies.stateMachineRoles.values(),
    ...policies.targetRoles.map((t) => t.roleArn),
  ]);
  for (const roleArn of [...otherRoles].sort())
    roles.push(
      report(
        "role",
        roleArn.replace(/^.*:role\//, ""),
        roleArn,
        allowed.filter((u) => u.roleArn === roleArn && !u.function),
        [],
      ),
    );
  const seen = new Set<string>();
  const denials = usage.filter((u) => {
    const key = `${u.principal} ${u.action} ${u.resource}`;
    if (u.decision !== "denied" || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { roles, denials, usageEntries: usage.length };
}

export const unjustified = (report: UnusedGrantsReport) =>
  report.roles
    .filter((r) => r.kind === "function")
    .flatMap((r) => r.unused.filter((g) => !g.justification).map((g) => ({ role: r.name, ...g })));

export function toMarkdown(report: UnusedGrantsReport, stamp: { usageFiles: number }): string {
  const bad = unjustified(report);
  const functionRoles = report.roles.filter((r) => r.kind === "function");
  const lines = [
    "# Unused IAM grants",
    "",
    "Generated by `pnpm iam:report` from the synthesized graph (`pnpm synth`) and the local cloud's",
    `IAM usage record (${stamp.usageFiles} usage file(s), ${report.usageEntries} principal × action × resource entries).`,
    "A grant is one action × resource pattern of a role's statements; it is used when a recorded, allowed",
    "call matched both. AWS managed policies (Lambda's log delivery) are left out: the service uses them, not",
    "the function's code. A grant is justified when the function's grants in the topology",
    "(`functionGrants`: its permissions and its event sources') list the action with `unusedBecause`;",
    "the X-Ray statements infra adds to every traced function carry the report's own reason, marked (infra).",
    "The state machine's and EventBridge targets' roles are listed after the functions, not counted: the",
    "topology holds no grants of theirs to justify against.",
    "",
    `**${bad.length} unjustified unused grant(s)** of the functions; ${functionRoles.reduce((n, r) => n + r.unused.length, 0) - bad.length} justified.`,
    "",
  ];
  for (const role of report.roles) {
    lines.push(
      `## ${role.kind === "function" ? role.name : `${role.name} (role, not counted)`}`,
      "",
      `Role \`${role.roleArn}\`: ${role.grants} grant(s), ${role.unused.length} unused.`,
      "",
    );
    if (role.unused.length) {
      lines.push("| action | resource | justification |", "| --- | --- | --- |");
      for (const g of role.unused)
        lines.push(`| \`${g.action}\` | \`${g.resource}\` | ${g.justification ?? "**none**"} |`);
      lines.push("");
    }
  }
  lines.push("## Denials recorded", "");
  if (!report.denials.length) lines.push("None.", "");
  else {
    lines.push("| principal | function | action | resource |", "| --- | --- | --- | --- |");
    for (const d of report.denials)
      lines.push(
        `| \`${d.principalArn}\` | ${d.function ?? ""} | \`${d.action}\` | \`${d.resource}\` |`,
      );
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
