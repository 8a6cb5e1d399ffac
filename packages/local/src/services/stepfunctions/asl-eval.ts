// ASL data flow (paths, payload templates, intrinsics, Choice rules) evaluated by
// aws-local-stepfunctions. We drive the state graph ourselves (to checkpoint every
// transition), and hand the library one-state "micro machines" for the semantics.
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { StatesRuntimeError } from "./errors";
import type { JSONObject, JSONValue } from "./types";

export type AslState = JSONObject & { Type: string };

/** Context Object as AWS exposes it under `$$`. */
export interface ContextObject {
  Execution: { Id: string; Name: string; Input: JSONValue; StartTime: string; RoleArn: string };
  State: { Name: string; EnteredTime: string; RetryCount: number };
  StateMachine: { Id: string; Name: string };
  Task?: { Token: string };
  Map?: { Item: { Index: number; Value: JSONValue } };
}

// The library overwrites `$$.Execution.Input/StartTime` with its own run's values, so
// references are renamed to a key it leaves alone.
const EXECUTION_ALIAS = "ExecutionOfLocalRuntime";
const renameContext = (s: string) => s.replace(/\$\$\.Execution\b/g, `$$$$.${EXECUTION_ALIAS}`);

function renameTemplate(value: JSONValue): JSONValue {
  if (Array.isArray(value)) return value.map(renameTemplate);
  if (value === null || typeof value !== "object") return value;
  const out: JSONObject = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k.endsWith(".$") && typeof v === "string" ? renameContext(v) : renameTemplate(v);
  }
  return out;
}

function renameChoiceRule(rule: JSONValue): JSONValue {
  if (Array.isArray(rule)) return rule.map(renameChoiceRule);
  if (rule === null || typeof rule !== "object") return rule;
  const out: JSONObject = {};
  for (const [k, v] of Object.entries(rule)) {
    if ((k === "Variable" || k.endsWith("Path")) && typeof v === "string")
      out[k] = renameContext(v);
    else if (k === "And" || k === "Or" || k === "Not") out[k] = renameChoiceRule(v);
    else out[k] = v;
  }
  return conformChoiceRule(out);
}

const TYPE_TESTS = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"];
// Comparisons the library evaluates with JavaScript's coercing operators; the type test each
// needs first ("Step Functions doesn't attempt to match a numeric field to a string value").
const TYPED_COMPARISONS: Array<[RegExp, string]> = [
  [
    /^String(LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$|^StringMatches$/,
    "IsString",
  ],
  [/^Numeric/, "IsNumeric"],
  [/^Timestamp/, "IsTimestamp"],
];

/**
 * Rewrites one Choice rule into rules the library evaluates as AWS does: a type test with
 * `false` (the library only handles `true`) becomes `Not` of the `true` test; a typed
 * comparison on a value of another type is false, not coerced; StringMatches knows only `*`.
 */
function conformChoiceRule(rule: JSONObject): JSONObject {
  const variable = rule.Variable;
  if (typeof variable !== "string") return rule;
  const { Next, ...test } = rule;
  const withNext = (r: JSONObject) => (Next === undefined ? r : { ...r, Next });
  for (const op of TYPE_TESTS) {
    if (test[op] === false) return withNext({ Not: { Variable: variable, [op]: true } });
  }
  for (const [pattern, typeTest] of TYPED_COMPARISONS) {
    const op = Object.keys(test).find((k) => pattern.test(k));
    if (!op) continue;
    const comparison =
      op === "StringMatches" && typeof test[op] === "string"
        ? { ...test, StringMatches: wildcardMatchPattern(test[op] as string) }
        : test;
    return withNext({ And: [{ Variable: variable, [typeTest]: true }, comparison] });
  }
  return rule;
}

/** AWS StringMatches (`*`, `\*`, `\\`) as a wildcard-match pattern, where `?` is special too. */
function wildcardMatchPattern(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) out += `\\${pattern[++i]}`;
    else out += c === "?" ? "\\?" : c;
  }
  return out;
}

function renameState(state: JSONObject): JSONObject {
  const out: JSONObject = {};
  for (const [k, v] of Object.entries(state)) {
    if (k.endsWith("Path") && k !== "ResultPath" && typeof v === "string")
      out[k] = renameContext(v);
    else if (k === "Parameters" || k === "ResultSelector" || k === "ItemSelector")
      out[k] = renameTemplate(v);
    else if (k === "Choices") out[k] = renameChoiceRule(v);
    else out[k] = v;
  }
  return out;
}

const machines = new Map<string, StateMachine>();

/** Builds (once per shape) a machine already validated as part of the whole definition. */
function machine(key: string, build: () => StateMachineDefinition): StateMachine {
  let m = machines.get(key);
  if (!m) {
    m = new StateMachine(build(), { validationOptions: { noValidate: true } });
    if (machines.size > 5000) machines.clear();
    machines.set(key, m);
  }
  return m;
}

function libraryContext(ctx: ContextObject) {
  return { ...ctx, [EXECUTION_ALIAS]: ctx.Execution } as unknown as Record<string, unknown>;
}

async function run(
  m: StateMachine,
  input: JSONValue,
  ctx: ContextObject,
  handlers?: Record<string, () => JSONValue>,
): Promise<JSONValue> {
  try {
    const execution = m.run(input as never, {
      context: libraryContext(ctx),
      overrides: handlers ? { taskResourceLocalHandlers: handlers } : undefined,
    });
    return (await execution.result) as JSONValue;
  } catch (err) {
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    throw new StatesRuntimeError(cause?.name ?? "States.Runtime", cause?.message ?? String(err));
  }
}

const pick = (state: JSONObject, keys: string[]) => {
  const out: JSONObject = {};
  for (const k of keys) if (k in state) out[k] = state[k] as JSONValue;
  return renameState(out);
};

/** InputPath then Parameters (or ItemSelector-like template when given). */
export function effectiveInput(
  key: string,
  state: JSONObject,
  input: JSONValue,
  ctx: ContextObject,
  fields = ["InputPath", "Parameters"],
) {
  const m = machine(`in:${key}:${fields.join()}`, () => ({
    StartAt: "S",
    States: { S: { Type: "Pass", ...pick(state, fields), End: true } as never },
  }));
  return run(m, input, ctx);
}

/** ResultSelector, ResultPath, OutputPath applied to a result, as a Task state does. */
export function stateOutput(
  key: string,
  state: JSONObject,
  rawInput: JSONValue,
  result: JSONValue,
  ctx: ContextObject,
) {
  const m = machine(`out:${key}`, () => ({
    StartAt: "S",
    States: {
      S: {
        Type: "Task",
        Resource: "arn:aws:lambda:us-east-1:000000000000:function:result",
        ...pick(state, ["ResultSelector", "ResultPath", "OutputPath"]),
        End: true,
      } as never,
    },
  }));
  return run(m, rawInput, ctx, { S: () => result });
}

/** A whole Pass or Succeed state (no Next): its output. */
export function passOutput(key: string, state: JSONObject, input: JSONValue, ctx: ContextObject) {
  if (Object.hasOwn(state, "Result") && !state.Result) {
    // The library ignores a falsy Result (false, 0, "", null) and passes its input on; AWS
    // outputs it. The same paths around a task whose result is the Result do what AWS does.
    const m = machine(`pass-falsy:${key}`, () => ({
      StartAt: "S",
      States: {
        S: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:000000000000:function:result",
          ...pick(state, ["InputPath", "ResultPath", "OutputPath"]),
          End: true,
        } as never,
      },
    }));
    return run(m, input, ctx, { S: () => state.Result as JSONValue });
  }
  const m = machine(`pass:${key}`, () => {
    const { Next: _n, End: _e, Comment: _c, ...rest } = state;
    return { StartAt: "S", States: { S: { ...renameState(rest), End: true } as never } };
  });
  return run(m, input, ctx);
}

/** Catch: the error object placed at the catcher's ResultPath (default `$`). */
export async function caughtOutput(
  resultPath: JSONValue | undefined,
  rawInput: JSONValue,
  error: JSONValue,
) {
  const m = new StateMachine(
    {
      StartAt: "S",
      States: {
        S: {
          Type: "Pass",
          Result: error as never,
          ...(resultPath === undefined ? {} : { ResultPath: resultPath as string | null }),
          End: true,
        } as never,
      },
    },
    { validationOptions: { noValidate: true } },
  );
  try {
    return (await m.run(rawInput as never).result) as JSONValue;
  } catch (err) {
    const cause = (err as { cause?: { name?: string; message?: string } }).cause;
    throw new StatesRuntimeError(cause?.name ?? "States.Runtime", cause?.message ?? String(err));
  }
}

/** Choice: which state comes next, and the Choice state's output. */
export async function choose(key: string, state: JSONObject, input: JSONValue, ctx: ContextObject) {
  const choices = (state.Choices as JSONObject[]) ?? [];
  const targets: string[] = [];
  const m = machine(`choice:${key}`, () => {
    const States: Record<string, unknown> = {};
    const rules = choices.map((rule, i) => {
      States[`T${i}`] = { Type: "Pass", Parameters: { index: i, "output.$": "$" }, End: true };
      return { ...(renameChoiceRule(rule) as JSONObject), Next: `T${i}` };
    });
    const choice: JSONObject = {
      ...pick(state, ["InputPath", "OutputPath"]),
      Type: "Choice",
      Choices: rules,
    };
    if (typeof state.Default === "string") {
      choice.Default = "TD";
      States.TD = { Type: "Pass", Parameters: { index: -1, "output.$": "$" }, End: true };
    }
    States.C = choice;
    return { StartAt: "C", States } as never;
  });
  for (const c of choices) targets.push(c.Next as string);
  const out = (await run(m, input, ctx)) as { index: number; output: JSONValue };
  const next = out.index < 0 ? (state.Default as string) : targets[out.index];
  return { next: next as string, output: out.output };
}

/** One path or intrinsic (`$.x`, `$$.Task.Token`, `States.Format(...)`) against input. */
export async function evaluate(key: string, expr: string, input: JSONValue, ctx: ContextObject) {
  const m = machine(`expr:${key}:${expr}`, () => ({
    StartAt: "S",
    States: {
      S: { Type: "Pass", Parameters: renameTemplate({ "v.$": expr }), End: true } as never,
    },
  }));
  return ((await run(m, input, ctx)) as { v: JSONValue }).v;
}
