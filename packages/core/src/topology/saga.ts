import definition from "./fulfillment-saga.asl.json" with { type: "json" };
import { type FunctionName, functions } from "./resources";

// The saga is one ASL document (fulfillment-saga.asl.json) that both runtimes
// execute: AWS Step Functions in `infra/`, our runtime in `packages/local`.
// Like CloudFormation's DefinitionSubstitutions, `${Name}` placeholders are
// filled per runtime; a value standing alone keeps its type, so
// `"TimeoutSeconds": "${ApprovalTimeoutSeconds}"` renders as a number.

export const sagaDefinition = definition;

export type SagaSubstitutions = Record<FunctionName, string> & {
  ApprovalsQueueUrl: string;
  ApprovalTimeoutSeconds: number;
  /** The execution's deadline (top-level TimeoutSeconds): orderPolicy.sagaTimeoutSeconds. */
  SagaTimeoutSeconds: number;
};

const PLACEHOLDER = /\$\{([A-Za-z0-9]+)\}/g;

/** Names the document's placeholders refer to (functions, queue URL, settings). */
export function sagaPlaceholders(): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(definition).matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names].sort();
}

export function renderSaga(values: Partial<SagaSubstitutions> & Record<string, string | number>) {
  const fill = (node: unknown): unknown => {
    if (typeof node === "string") {
      const whole = /^\$\{([A-Za-z0-9]+)\}$/.exec(node);
      if (whole) return lookup(whole[1]!);
      return node.replace(PLACEHOLDER, (_, name: string) => String(lookup(name)));
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  const lookup = (name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`saga definition: no value for \${${name}}`);
    return value;
  };
  return fill(definition) as typeof definition;
}

/** Function names the saga invokes, read from the document itself. */
export function sagaFunctions(): FunctionName[] {
  return Object.values(definition.States)
    .flatMap((state) => {
      const name = (state as { Parameters?: { FunctionName?: string } }).Parameters?.FunctionName;
      return name ? [name.replace(/^\$\{|\}$/g, "")] : [];
    })
    .filter((n, i, all) => all.indexOf(n) === i) as FunctionName[];
}

interface RetrierSpec {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}

interface StateSpec {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
  Retry?: RetrierSpec[];
  TimeoutSeconds?: number | string;
  Parameters?: { FunctionName?: string };
}

/**
 * The longest an execution can legitimately run, in seconds, read from the
 * definition's own numbers: along the slowest path through the graph (every
 * Next, Choice and Catch), each Task's attempts — one plus every retrier's
 * MaxAttempts, each attempt bounded by its TimeoutSeconds or, for a Lambda
 * invoke, by the function's timeout — plus every retry's longest back-off
 * (no jitter). The saga's deadline must stay above it.
 */
export function sagaLongestPathSeconds(values: { ApprovalTimeoutSeconds: number }): number {
  const states = definition.States as Record<string, StateSpec>;
  const attemptSeconds = (state: StateSpec) => {
    if (state.TimeoutSeconds !== undefined)
      return /^\$\{ApprovalTimeoutSeconds\}$/.test(String(state.TimeoutSeconds))
        ? values.ApprovalTimeoutSeconds
        : Number(state.TimeoutSeconds);
    const fn = state.Parameters?.FunctionName?.replace(/^\$\{|\}$/g, "") as FunctionName;
    const spec = functions[fn];
    if (!spec) throw new Error(`saga state invokes ${fn}, which has no timeout in the topology`);
    return spec.timeoutSeconds;
  };
  const stateSeconds = (state: StateSpec) => {
    if (state.Type !== "Task") return 0;
    let attempts = 1;
    let backoff = 0;
    for (const r of state.Retry ?? []) {
      const max = r.MaxAttempts ?? 3;
      attempts += max;
      for (let i = 0; i < max; i++)
        backoff += Math.min(
          (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** i,
          r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
        );
    }
    return attempts * attemptSeconds(state) + backoff;
  };
  const memo = new Map<string, number>();
  const longestFrom = (name: string, seen: Set<string>): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) throw new Error(`saga definition loops through ${name}`);
    const state = states[name];
    if (!state) throw new Error(`saga definition names a missing state ${name}`);
    const next = [
      state.Next,
      state.Default,
      ...(state.Choices ?? []).map((c) => c.Next),
      ...(state.Catch ?? []).map((c) => c.Next),
    ].filter((n): n is string => n !== undefined);
    const inner = new Set(seen).add(name);
    const total = stateSeconds(state) + Math.max(0, ...next.map((n) => longestFrom(n, inner)));
    memo.set(name, total);
    return total;
  };
  return longestFrom(definition.StartAt, new Set());
}
