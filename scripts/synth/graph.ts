// Reading the graph `pnpm synth` writes: what the graph tests (infra/*.test.ts)
// and, later, the local cloud's IAM need from it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { GraphResource } from "../../packages/local/src/graph/types";

// One shape for the graph, owned by the local cloud that loads it at start.
export type { GraphResource };

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const root = resolve(import.meta.dirname, "../..");

/** Runs `pnpm synth` in a child process (it changes directory and sets globals) and reads its graph. */
export function synthesize(): GraphResource[] {
  const dir = mkdtempSync(join(tmpdir(), "synth-"));
  try {
    const out = join(dir, "graph.json");
    const result = spawnSync(
      process.execPath,
      [join(root, "scripts/synth/synth.mjs"), "--out", out],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    if (result.status !== 0) throw new Error(`synth failed (${result.status}):\n${result.stderr}`);
    return JSON.parse(readFileSync(out, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A policy document as the provider would send it: a JSON string or an object. */
export function policyDocument(value: unknown): { Statement: PolicyStatement[] } {
  const doc = typeof value === "string" ? JSON.parse(value) : value;
  return { ...doc, Statement: list(doc.Statement) };
}

/** Whether an IAM action pattern (with `*`) covers `action`. */
export function actionMatches(pattern: string, action: string) {
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`, "i");
  return re.test(action);
}
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether an IAM resource pattern (with `*`) covers `arn`. */
export function resourceMatches(pattern: string, arn: string) {
  return new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`).test(arn);
}

export class Graph {
  constructor(readonly resources: GraphResource[]) {}

  ofType(type: string) {
    return this.resources.filter((r) => r.type === type);
  }

  named(name: string, type?: string) {
    const found = this.resources.filter((r) => r.name === name && (!type || r.type === type));
    if (found.length !== 1)
      throw new Error(`${found.length} resources named ${name} (${type ?? "any type"})`);
    return found[0]!;
  }

  /** The one resource of `type` that component `parent` created. */
  child(parent: string, type: string) {
    const found = this.resources.filter((r) => r.parent === parent && r.type === type);
    if (found.length !== 1)
      throw new Error(`${parent} has ${found.length} children of type ${type}`);
    return found[0]!;
  }

  /** The resource whose output `key` (default `arn`) is `value`. */
  byOutput(value: string, key = "arn") {
    return this.resources.find((r) => r.outputs[key] === value);
  }

  /** A topology function's Lambda, its role and the role's statements. */
  lambda(name: string) {
    const fn = this.child(name, "aws:lambda/function:Function");
    const role = this.byOutput(fn.inputs.role);
    if (!role) throw new Error(`${name}'s role ${fn.inputs.role} is not in the graph`);
    return { fn, role, statements: roleStatements(role) };
  }
}

/** Every Allow statement of a role's inline policies. */
export function roleStatements(role: GraphResource): PolicyStatement[] {
  return list(role.inputs.inlinePolicies as { policy: string }[]).flatMap(
    (p) => policyDocument(p.policy).Statement,
  );
}

/** Whether any statement allows `action` on `arn`. */
export function allows(statements: PolicyStatement[], action: string, arn: string) {
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      list(s.Action).some((a) => actionMatches(a, action)) &&
      list(s.Resource).some((r) => resourceMatches(r, arn)),
  );
}
