import definition from "./fulfillment-saga.asl.json" with { type: "json" };
import type { FunctionName } from "./resources";

// The saga is one ASL document (fulfillment-saga.asl.json) that both runtimes
// execute: AWS Step Functions in `infra/`, our runtime in `packages/local`.
// Like CloudFormation's DefinitionSubstitutions, `${Name}` placeholders are
// filled per runtime; a value standing alone keeps its type, so
// `"TimeoutSeconds": "${ApprovalTimeoutSeconds}"` renders as a number.

export const sagaDefinition = definition;

export type SagaSubstitutions = Record<FunctionName, string> & {
  ApprovalsQueueUrl: string;
  ApprovalTimeoutSeconds: number;
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
