// What a target receives: the whole event, `Input` (a constant), `InputPath` (a JSONPath
// into the event) or `InputTransformer` (variables from InputPathsMap substituted into
// InputTemplate with AWS's quoting rules).
import { validationError } from "./errors";
import type { Target } from "./types";

const PATH_STEP =
  /^(?:\.([A-Za-z0-9_$@-]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses the JSONPath subset EventBridge accepts for InputPath/InputPathsMap: `$.a.b[0]['c d']`. */
export function parseJsonPath(path: string): Array<string | number> | null {
  if (!path.startsWith("$")) return null;
  const steps: Array<string | number> = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = PATH_STEP.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[3] ?? m[4] ?? "").replace(/\\(.)/g, "$1"));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

export function readPath(value: unknown, steps: Array<string | number>): unknown {
  let cur = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

const RESERVED = new Set([
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
]);

/** Validates a target's input settings as PutTargets does. */
export function validateTargetInput(target: Target): void {
  const set = [target.Input, target.InputPath, target.InputTransformer].filter(
    (x) => x !== undefined,
  );
  if (set.length > 1)
    throw validationError(
      `Target ${target.Id}: only one of Input, InputPath and InputTransformer may be set.`,
    );
  if (target.Input !== undefined) {
    try {
      JSON.parse(target.Input);
    } catch {
      throw validationError(`Target ${target.Id}: Input is not valid JSON text.`);
    }
  }
  if (target.InputPath !== undefined && !parseJsonPath(target.InputPath))
    throw validationError(`Target ${target.Id}: InputPath is not a valid JsonPath.`);
  const transformer = target.InputTransformer;
  if (transformer) {
    const map = transformer.InputPathsMap ?? {};
    if (Object.keys(map).length > 100)
      throw validationError("InputPathsMap has more than 100 entries.");
    for (const [name, path] of Object.entries(map)) {
      if (RESERVED.has(name) || name.startsWith("aws."))
        throw validationError(`InputTransformer variable ${name} uses a reserved name.`);
      if (!parseJsonPath(path))
        throw validationError(`InputTransformer path for ${name} is not a valid JsonPath: ${path}`);
    }
  }
}

export interface RuleContext {
  ruleArn: string;
  ruleName: string;
  ingestionTime: string;
}

export function targetPayload(target: Target, event: Record<string, unknown>, rule: RuleContext) {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const value = readPath(event, parseJsonPath(target.InputPath) ?? []);
    return JSON.stringify(value ?? null);
  }
  if (target.InputTransformer) return transform(target.InputTransformer, event, rule);
  return JSON.stringify(event);
}

function transform(
  t: NonNullable<Target["InputTransformer"]>,
  event: Record<string, unknown>,
  rule: RuleContext,
): string {
  const vars = new Map<string, unknown>();
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {}))
    vars.set(name, readPath(event, parseJsonPath(path) ?? []));
  vars.set("aws.events.rule-arn", rule.ruleArn);
  vars.set("aws.events.rule-name", rule.ruleName);
  vars.set("aws.events.event.ingestion-time", rule.ingestionTime);
  vars.set("aws.events.event", event);
  vars.set("aws.events.event.json", event);

  const template = t.InputTemplate;
  // A template that is not JSON (e.g. an SNS text message) gets string values as plain text.
  const jsonTemplate = /^\s*[{["]/.test(template);
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === "\\" && inString) {
      out += c + (template[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === "<") {
      const end = template.indexOf(">", i);
      const name = end > i ? template.slice(i + 1, end) : "";
      if (name && vars.has(name)) {
        out += render(vars.get(name), jsonTemplate ? (inString ? "quoted" : "json") : "text");
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function render(value: unknown, mode: "quoted" | "json" | "text"): string {
  if (mode === "json") return value === undefined ? "null" : JSON.stringify(value);
  if (value === undefined || value === null) return mode === "text" ? "null" : "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  // Inside a JSON string the value must stay a valid string body.
  return mode === "quoted" ? JSON.stringify(text).slice(1, -1) : text;
}
