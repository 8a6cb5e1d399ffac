// The EventBridge event pattern language: compile once (validating as AWS does), then match
// many events. Semantics follow AWS's documentation and its open-source engine (aws/event-ruler,
// `rulesForJSONEvent`): fields are ANDed, values in a leaf array are ORed, an event array
// matches when any element does, and fields inside one array element never combine with
// fields of another element.
import { type IpRange, inRange, parseCidr } from "./cidr";

export class InvalidEventPatternError extends Error {
  override readonly name = "InvalidEventPatternException";
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

type Scalar = string | number | boolean | null;

type Leaf =
  | { op: "exact"; value: Scalar }
  | { op: "prefix" | "suffix" | "equals-ignore-case"; value: string; ignoreCase: boolean }
  | { op: "wildcard"; regex: RegExp }
  | { op: "numeric"; test: (n: number) => boolean }
  | { op: "exists"; value: boolean }
  | { op: "cidr"; range: IpRange }
  | { op: "anything-but"; excluded: Leaf[] };

type Field = { kind: "object"; pattern: ObjectPattern } | { kind: "leaf"; matchers: Leaf[] };

interface ObjectPattern {
  fields: Array<[string, Field]>;
  /** Each group is one `$or`: at least one alternative must match the same object. */
  ors: ObjectPattern[][];
}

export interface CompiledPattern {
  readonly source: unknown;
  matches(event: unknown): boolean;
}

const OPERATORS = new Set([
  "prefix",
  "suffix",
  "anything-but",
  "numeric",
  "exists",
  "cidr",
  "equals-ignore-case",
  "wildcard",
]);

// AWS documents numeric matching as limited to ±5.0e9 with six decimal places.
const NUMERIC_LIMIT = 5e9;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const fail = (reason: string): never => {
  throw new InvalidEventPatternError(reason);
};

/** Parses the JSON text of a pattern (as PutRule and TestEventPattern receive it). */
export function parsePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail((err as Error).message);
  }
  return compilePattern(parsed);
}

export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) fail("Filter is not an object");
  const root = compileObject(pattern as Record<string, unknown>, "");
  return { source: pattern, matches: (event) => isPlainObject(event) && matchObject(root, event) };
}

// `$or` is the OR primitive only when it holds 2+ plain objects none of which is an operator
// expression; otherwise AWS keeps treating it as an ordinary field name.
function isOrPrimitive(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => isPlainObject(v) && !Object.keys(v).some((k) => OPERATORS.has(k)))
  );
}

function compileObject(obj: Record<string, unknown>, path: string): ObjectPattern {
  const keys = Object.keys(obj);
  if (keys.length === 0) fail("Empty objects are not allowed");
  const out: ObjectPattern = { fields: [], ors: [] };
  for (const key of keys) {
    const value = obj[key];
    const fieldPath = path ? `${path}.${key}` : key;
    if (key === "$or" && isOrPrimitive(value)) {
      if (value.length < 2) fail("There must have at least 2 Objects in $or relationship.");
      out.ors.push(value.map((alt) => compileObject(alt, path)));
    } else if (Array.isArray(value)) {
      out.fields.push([key, { kind: "leaf", matchers: compileLeafArray(value) }]);
    } else if (isPlainObject(value)) {
      out.fields.push([key, { kind: "object", pattern: compileObject(value, fieldPath) }]);
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return out;
}

function compileLeafArray(values: unknown[]): Leaf[] {
  if (values.length === 0) fail("Empty arrays are not allowed");
  return values.map((v) => {
    if (v === null || typeof v === "string" || typeof v === "boolean")
      return { op: "exact", value: v };
    if (typeof v === "number") return { op: "exact", value: v };
    if (isPlainObject(v)) return compileOperator(v);
    return fail("Match value must be String, number, true, false, or null");
  });
}

function singleKey(expr: Record<string, unknown>, missing: string): [string, unknown] {
  const entries = Object.entries(expr);
  if (entries.length === 0) fail(missing);
  if (entries.length > 1) fail("Only one key allowed in match expression");
  return entries[0]!;
}

function compileOperator(expr: Record<string, unknown>): Leaf {
  const [op, arg] = singleKey(expr, "Match expression name not found");
  switch (op) {
    case "prefix":
    case "suffix":
      return compileAffix(op, arg);
    case "equals-ignore-case":
      if (typeof arg !== "string") fail("equals-ignore-case match pattern must be a string");
      return { op: "equals-ignore-case", value: (arg as string).toLowerCase(), ignoreCase: true };
    case "wildcard":
      if (typeof arg !== "string") fail("wildcard match pattern must be a string");
      return { op: "wildcard", regex: compileWildcard(arg as string) };
    case "numeric":
      return { op: "numeric", test: compileNumeric(arg) };
    case "exists":
      if (typeof arg !== "boolean") fail("exists match pattern must be either true or false.");
      return { op: "exists", value: arg as boolean };
    case "cidr": {
      if (typeof arg !== "string") fail("cidr match pattern must be a string");
      const range = parseCidr(arg as string);
      if (!range) fail(`Nonstandard IP address: ${arg as string}`);
      return { op: "cidr", range: range! };
    }
    case "anything-but":
      return { op: "anything-but", excluded: compileAnythingBut(arg) };
    default:
      return fail(`Unrecognized match type ${op}`);
  }
}

function compileAffix(op: "prefix" | "suffix", arg: unknown): Leaf {
  if (typeof arg === "string") return { op, value: arg, ignoreCase: false };
  if (isPlainObject(arg)) {
    const [inner, value] = singleKey(
      arg,
      `${op === "prefix" ? "Prefix" : "Suffix"} expression name not found`,
    );
    if (inner !== "equals-ignore-case") fail(`Unsupported ${op} pattern: ${inner}`);
    if (typeof value !== "string") fail("equals-ignore-case match pattern must be a string");
    return { op, value: (value as string).toLowerCase(), ignoreCase: true };
  }
  return fail(`${op} match pattern must be a string`);
}

function compileAnythingBut(arg: unknown): Leaf[] {
  if (typeof arg === "string" || typeof arg === "number") return [{ op: "exact", value: arg }];
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail("Empty arrays are not allowed");
    const allStrings = arg.every((v) => typeof v === "string");
    const allNumbers = arg.every((v) => typeof v === "number");
    if (!allStrings && !allNumbers) {
      if (arg.some((v) => v === null || typeof v === "boolean" || typeof v === "object"))
        fail("Inside anything but list, start|null|boolean is not supported.");
      fail(
        "Inside anything but list, either all values are number or string, mixed type is not supported",
      );
    }
    return arg.map((value: string | number) => ({ op: "exact", value }));
  }
  if (isPlainObject(arg)) {
    const [inner, value] = singleKey(arg, "Anything-But expression name not found");
    if (!["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(inner))
      fail(`Unsupported anything-but pattern: ${inner}`);
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0) fail("Empty arrays are not allowed");
    if (!values.every((v) => typeof v === "string")) {
      if (inner === "equals-ignore-case")
        fail(
          "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
        );
      if (inner === "wildcard") fail("wildcard match pattern must be a string");
      fail("prefix/suffix match pattern must be a string");
    }
    const strings = values as string[];
    switch (inner) {
      case "prefix":
      case "suffix":
        return strings.map((v) => ({ op: inner, value: v, ignoreCase: false }));
      case "equals-ignore-case":
        return strings.map((v) => ({ op: inner, value: v.toLowerCase(), ignoreCase: true }));
      case "wildcard":
        return strings.map((v) => ({ op: "wildcard", regex: compileWildcard(v) }));
      default:
        return fail(`Unsupported anything-but pattern: ${inner}`);
    }
  }
  return fail("Value of anything-but must be an array or single string/number value.");
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
export function compileWildcard(text: string): RegExp {
  let source = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      const next = text[i + 1];
      if (next !== "*" && next !== "\\") fail(`Invalid escape character at pos ${i}`);
      source += `\\${next}`;
      i++;
    } else if (c === "*") {
      if (text[i + 1] === "*") fail(`Consecutive wildcard characters at pos ${i + 1}`);
      source += ".*";
    } else {
      // Only the regex syntax characters: with the `u` flag an escaped `-` (any ARN with a
      // region) is itself a syntax error.
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "su");
}

function numericOperand(op: unknown, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(`Value of ${String(op)} must be numeric`);
  const n = value as number;
  if (n < -NUMERIC_LIMIT || n > NUMERIC_LIMIT)
    fail(`Value of ${String(op)} must be between -5.0E9 and 5.0E9 inclusive`);
  return n;
}

// Six decimal places is the precision AWS documents; rounding both sides makes 0.1+0.2 = 0.3.
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function compileNumeric(arg: unknown): (n: number) => boolean {
  if (!Array.isArray(arg)) return fail("Value of numeric must be an array.");
  if (arg.length === 0) fail("Empty arrays are not allowed");
  if (arg.length > 4) fail("Too many elements in numeric expression");
  const [op1, v1, op2, v2] = arg;
  const bound = (op: unknown, v: unknown): ((n: number) => boolean) => {
    const x = round6(numericOperand(op, v));
    switch (op) {
      case "=":
        return (n) => round6(n) === x;
      case "<":
        return (n) => round6(n) < x;
      case "<=":
        return (n) => round6(n) <= x;
      case ">":
        return (n) => round6(n) > x;
      case ">=":
        return (n) => round6(n) >= x;
      default:
        return fail(`Unrecognized numeric range operator: ${String(op)}`);
    }
  };
  if (arg.length === 2) return bound(op1, v1);
  if (arg.length !== 4) fail(`Invalid member in numeric match: ${JSON.stringify(arg)}`);
  if (op1 !== ">" && op1 !== ">=") fail(`Bad numeric range operator: ${String(op1)}`);
  if (op2 !== "<" && op2 !== "<=") fail(`Bad numeric range operator: ${String(op2)}`);
  if (numericOperand(op1, v1) >= numericOperand(op2, v2)) fail("Bottom must be less than top");
  const low = bound(op1, v1);
  const high = bound(op2, v2);
  return (n) => low(n) && high(n);
}

// ---- matching ----

/** Scalars at a path: an array contributes its (nested) scalar elements; objects are not leaves. */
function leafValues(value: unknown): Scalar[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return value.flatMap(leafValues);
  return [value as Scalar];
}

/** Objects at a path: the object itself, or the objects inside an (nested) array. */
function objectsAt(value: unknown): Record<string, unknown>[] {
  if (isPlainObject(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(objectsAt);
  return [];
}

function matchLeaf(m: Leaf, v: Scalar): boolean {
  switch (m.op) {
    case "exact":
      return v === m.value;
    case "prefix":
      return typeof v === "string" && (m.ignoreCase ? v.toLowerCase() : v).startsWith(m.value);
    case "suffix":
      return typeof v === "string" && (m.ignoreCase ? v.toLowerCase() : v).endsWith(m.value);
    case "equals-ignore-case":
      return typeof v === "string" && v.toLowerCase() === m.value;
    case "wildcard":
      return typeof v === "string" && m.regex.test(v);
    case "numeric":
      return typeof v === "number" && m.test(v);
    case "cidr":
      return typeof v === "string" && inRange(m.range, v);
    case "anything-but":
      return !m.excluded.some((x) => matchLeaf(x, v));
    case "exists":
      return m.value;
  }
}

function matchField(field: Field, value: unknown): boolean {
  if (field.kind === "object") {
    const candidates = objectsAt(value);
    // A missing parent still lets `exists: false` below it match.
    return (candidates.length ? candidates : [{}]).some((o) => matchObject(field.pattern, o));
  }
  const values = leafValues(value);
  return field.matchers.some((m) =>
    m.op === "exists" ? m.value === values.length > 0 : values.some((v) => matchLeaf(m, v)),
  );
}

function matchObject(p: ObjectPattern, obj: Record<string, unknown>): boolean {
  for (const [key, field] of p.fields) {
    if (!matchField(field, Object.hasOwn(obj, key) ? obj[key] : undefined)) return false;
  }
  return p.ors.every((alts) => alts.some((alt) => matchObject(alt, obj)));
}
