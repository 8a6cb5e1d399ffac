// A documented subset of the CloudWatch Logs Insights query language, parsed
// once and evaluated over log records (packages/local/README.md lists it):
//
//   fields a, b, @timestamp           which fields each result row carries
//   filter <condition>                = != < <= > >=, like /re/ or "text", =~ /re/,
//                                     in [..], not in [..], and, or, not, ( )
//   sort <field> [asc|desc], …        default desc, as Insights
//   limit <n>                         default 1000, at most 10000
//   stats count(*|field) [as name], … [by f1, f2]
//
// Anything else is a MalformedQueryException naming what was not understood,
// so a query that would mean something else on AWS never silently runs here.

export class MalformedQueryError extends Error {
  override name = "MalformedQueryException";
}

export type Literal = string | number | boolean;

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "compare"; field: string; op: "=" | "!=" | "<" | "<=" | ">" | ">="; value: Literal }
  | { kind: "like"; field: string; pattern: RegExp }
  | { kind: "in"; field: string; values: Literal[]; negated: boolean };

export type Command =
  | { kind: "fields"; fields: string[] }
  | { kind: "filter"; condition: Condition }
  | { kind: "sort"; keys: { field: string; descending: boolean }[] }
  | { kind: "limit"; count: number }
  | {
      kind: "stats";
      aggregates: { field: string | null; as: string }[];
      by: string[];
    };

export interface Query {
  commands: Command[];
}

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;

// ---- tokenizer -------------------------------------------------------------

type Token =
  | { type: "word"; text: string }
  | { type: "string"; text: string }
  | { type: "number"; value: number }
  | { type: "regex"; pattern: RegExp }
  | { type: "op"; text: string };

const FIELD_CHAR = /[A-Za-z0-9_@.$-]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // A regex literal can only follow `like` or `=~`; elsewhere `/` is not ours.
  const regexAllowed = () => {
    const last = tokens.at(-1);
    return (
      (last?.type === "word" && last.text.toLowerCase() === "like") ||
      (last?.type === "op" && last.text === "=~")
    );
  };
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === "\\" && i + 1 < source.length) i++;
        text += source[i++];
      }
      if (i >= source.length) throw new MalformedQueryError(`unterminated string at ${text}`);
      i++;
      tokens.push({ type: "string", text });
      continue;
    }
    if (c === "`") {
      // Backquoted field names (`@log`, names with spaces) as Insights allows.
      const end = source.indexOf("`", i + 1);
      if (end === -1) throw new MalformedQueryError("unterminated backquoted field name");
      tokens.push({ type: "word", text: source.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === "/" && regexAllowed()) {
      let body = "";
      i++;
      while (i < source.length && source[i] !== "/") {
        if (source[i] === "\\" && i + 1 < source.length) body += source[i++];
        body += source[i++];
      }
      if (i >= source.length) throw new MalformedQueryError("unterminated regular expression");
      i++;
      // Insights writes case-insensitivity as a leading (?i).
      const insensitive = body.startsWith("(?i)");
      try {
        tokens.push({
          type: "regex",
          pattern: new RegExp(insensitive ? body.slice(4) : body, insensitive ? "i" : ""),
        });
      } catch (error) {
        throw new MalformedQueryError(`invalid regular expression /${body}/: ${error}`);
      }
      continue;
    }
    const two = source.slice(i, i + 2);
    if (["!=", "<=", ">=", "=~"].includes(two)) {
      tokens.push({ type: "op", text: two });
      i += 2;
      continue;
    }
    if ("=<>|,()[]*".includes(c)) {
      tokens.push({ type: "op", text: c });
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(source[i + 1] ?? ""))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      // 12ab is a field name, not a number.
      if (!FIELD_CHAR.test(source[i + match[0].length] ?? " ")) {
        tokens.push({ type: "number", value: Number(match[0]) });
        i += match[0].length;
        continue;
      }
    }
    if (FIELD_CHAR.test(c)) {
      let text = "";
      while (i < source.length && FIELD_CHAR.test(source[i]!)) text += source[i++];
      tokens.push({ type: "word", text });
      continue;
    }
    throw new MalformedQueryError(`unexpected character '${c}' at position ${i}`);
  }
  return tokens;
}

// ---- parser ----------------------------------------------------------------

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at];
  }
  next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new MalformedQueryError("unexpected end of query");
    return token;
  }
  done() {
    return this.at >= this.tokens.length;
  }
  isOp(text: string) {
    const t = this.peek();
    return t?.type === "op" && t.text === text;
  }
  isWord(text: string) {
    const t = this.peek();
    return t?.type === "word" && t.text.toLowerCase() === text;
  }
  expectOp(text: string) {
    const t = this.next();
    if (t.type !== "op" || t.text !== text)
      throw new MalformedQueryError(`expected '${text}', found ${describe(t)}`);
  }
  field(): string {
    const t = this.next();
    if (t.type !== "word") throw new MalformedQueryError(`expected a field, found ${describe(t)}`);
    return t.text;
  }
  fieldList(): string[] {
    const fields = [this.field()];
    while (this.isOp(",")) {
      this.next();
      fields.push(this.field());
    }
    return fields;
  }
  literal(): Literal {
    const t = this.next();
    if (t.type === "string") return t.text;
    if (t.type === "number") return t.value;
    if (t.type === "word" && (t.text === "true" || t.text === "false")) return t.text === "true";
    throw new MalformedQueryError(`expected a value, found ${describe(t)}`);
  }

  command(): Command {
    const t = this.next();
    if (t.type !== "word")
      throw new MalformedQueryError(`expected a command, found ${describe(t)}`);
    switch (t.text.toLowerCase()) {
      case "fields":
        return { kind: "fields", fields: this.fieldList() };
      case "filter":
        return { kind: "filter", condition: this.or() };
      case "sort": {
        const keys = [this.sortKey()];
        while (this.isOp(",")) {
          this.next();
          keys.push(this.sortKey());
        }
        return { kind: "sort", keys };
      }
      case "limit": {
        const n = this.next();
        if (n.type !== "number" || !Number.isInteger(n.value) || n.value < 1 || n.value > MAX_LIMIT)
          throw new MalformedQueryError(`limit takes a whole number from 1 to ${MAX_LIMIT}`);
        return { kind: "limit", count: n.value };
      }
      case "stats":
        return this.stats();
      default:
        throw new MalformedQueryError(
          `command '${t.text}' is not in the local cloud's Logs Insights subset (fields, filter, sort, limit, stats)`,
        );
    }
  }

  sortKey() {
    const field = this.field();
    let descending = true;
    if (this.isWord("asc") || this.isWord("desc")) descending = this.field() === "desc";
    return { field, descending };
  }

  stats(): Command {
    const aggregates: { field: string | null; as: string }[] = [];
    do {
      if (aggregates.length) this.next();
      const fn = this.field();
      if (fn.toLowerCase() !== "count")
        throw new MalformedQueryError(`stats function '${fn}' is not supported (only count)`);
      this.expectOp("(");
      let field: string | null = null;
      let text = "count(*)";
      if (this.isOp("*")) this.next();
      else if (!this.isOp(")")) {
        field = this.field();
        text = `count(${field})`;
      }
      this.expectOp(")");
      if (this.isWord("as")) {
        this.next();
        text = this.field();
      }
      aggregates.push({ field, as: text });
    } while (this.isOp(","));
    let by: string[] = [];
    if (this.isWord("by")) {
      this.next();
      by = this.fieldList();
    }
    return { kind: "stats", aggregates, by };
  }

  or(): Condition {
    let left = this.and();
    while (this.isWord("or")) {
      this.next();
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }
  and(): Condition {
    let left = this.not();
    while (this.isWord("and")) {
      this.next();
      left = { kind: "and", left, right: this.not() };
    }
    return left;
  }
  not(): Condition {
    if (this.isWord("not")) {
      this.next();
      return { kind: "not", operand: this.not() };
    }
    if (this.isOp("(")) {
      this.next();
      const inner = this.or();
      this.expectOp(")");
      return inner;
    }
    return this.comparison();
  }
  comparison(): Condition {
    const field = this.field();
    const t = this.next();
    if (t.type === "op" && ["=", "!=", "<", "<=", ">", ">="].includes(t.text))
      return {
        kind: "compare",
        field,
        op: t.text as "=" | "!=" | "<" | "<=" | ">" | ">=",
        value: this.literal(),
      };
    if ((t.type === "op" && t.text === "=~") || (t.type === "word" && t.text === "like")) {
      const p = this.next();
      if (p.type === "regex") return { kind: "like", field, pattern: p.pattern };
      if (p.type === "string" && t.type === "word")
        return { kind: "like", field, pattern: new RegExp(escapeRegExp(p.text)) };
      throw new MalformedQueryError(`expected /regex/ after ${field} ${t.text}`);
    }
    if (t.type === "word" && (t.text === "in" || t.text === "not")) {
      const negated = t.text === "not";
      if (negated) {
        const inWord = this.next();
        if (inWord.type !== "word" || inWord.text !== "in")
          throw new MalformedQueryError(`expected 'in' after ${field} not`);
      }
      this.expectOp("[");
      const values = [this.literal()];
      while (this.isOp(",")) {
        this.next();
        values.push(this.literal());
      }
      this.expectOp("]");
      return { kind: "in", field, values, negated };
    }
    throw new MalformedQueryError(`expected a comparison after ${field}, found ${describe(t)}`);
  }
}

const describe = (t: Token) =>
  t.type === "number"
    ? String(t.value)
    : t.type === "regex"
      ? String(t.pattern)
      : t.type === "string"
        ? `"${t.text}"`
        : `'${t.text}'`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Parses a query string; throws MalformedQueryError with what was not understood. */
export function parseQuery(source: string): Query {
  if (!source.trim()) throw new MalformedQueryError("the query is empty");
  // `|` separates commands; inside strings and regexes it does not.
  const tokens = tokenize(source);
  const commands: Command[] = [];
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (i === tokens.length || (t?.type === "op" && t.text === "|")) {
      const part = tokens.slice(start, i);
      if (part.length === 0) throw new MalformedQueryError("empty command between '|'");
      const parser = new Parser(part);
      commands.push(parser.command());
      if (!parser.done())
        throw new MalformedQueryError(`unexpected ${describe(parser.peek()!)} after a command`);
      start = i + 1;
    }
  }
  if (commands.filter((c) => c.kind === "stats").length > 1)
    throw new MalformedQueryError("only one stats command is supported");
  return { commands };
}

// ---- evaluation ------------------------------------------------------------

/** One log event as Insights sees it: its system fields and its JSON message's fields. */
export interface LogRecord {
  /** Epoch ms. */
  timestamp: number;
  message: string;
  logGroup: string;
  logStream: string;
  /** Epoch ms the line was stored. */
  ingestionTime: number;
  ptr: string;
}

type Row = Record<string, Literal | null>;

/** Insights' timestamp format: `2026-12-06 03:14:04.123`. */
export const formatTimestamp = (ms: number) =>
  new Date(ms).toISOString().replace("T", " ").replace("Z", "");

/** Insights discovers a JSON message's fields, nested ones as dotted names. */
function discover(message: string): Record<string, Literal | null> {
  const text = message.trim();
  const out: Record<string, Literal | null> = {};
  if (!text.startsWith("{")) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  const walk = (value: unknown, prefix: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${prefix}.${i}`);
    } else if (prefix) {
      out[prefix] =
        value === null || value === undefined
          ? null
          : typeof value === "object"
            ? JSON.stringify(value)
            : (value as Literal);
    }
  };
  walk(parsed, "");
  return out;
}

function toRow(record: LogRecord, accountId: string): Row {
  return {
    ...discover(record.message),
    "@timestamp": formatTimestamp(record.timestamp),
    "@message": record.message,
    "@log": `${accountId}:${record.logGroup}`,
    "@logStream": record.logStream,
    "@ingestionTime": formatTimestamp(record.ingestionTime),
    "@ptr": record.ptr,
  };
}

const present = (v: Literal | null | undefined): v is Literal => v !== undefined && v !== null;

/** Numbers compare as numbers when both sides are numeric; otherwise as text. */
function compare(a: Literal, b: Literal): number {
  const x = Number(a);
  const y = Number(b);
  if (
    typeof a !== "boolean" &&
    typeof b !== "boolean" &&
    a !== "" &&
    b !== "" &&
    !Number.isNaN(x) &&
    !Number.isNaN(y)
  )
    return x - y;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** A missing field matches no comparison (not even !=), as in Insights. */
export function matches(condition: Condition, row: Row): boolean {
  switch (condition.kind) {
    case "and":
      return matches(condition.left, row) && matches(condition.right, row);
    case "or":
      return matches(condition.left, row) || matches(condition.right, row);
    case "not":
      return !matches(condition.operand, row);
    case "compare": {
      const value = row[condition.field];
      if (!present(value)) return false;
      const order = compare(value, condition.value);
      switch (condition.op) {
        case "=":
          return order === 0;
        case "!=":
          return order !== 0;
        case "<":
          return order < 0;
        case "<=":
          return order <= 0;
        case ">":
          return order > 0;
        case ">=":
          return order >= 0;
      }
      return false;
    }
    case "like": {
      const value = row[condition.field];
      return present(value) && condition.pattern.test(String(value));
    }
    case "in": {
      const value = row[condition.field];
      if (!present(value)) return false;
      const found = condition.values.some((v) => compare(value, v) === 0);
      return condition.negated ? !found : found;
    }
  }
}

/** Fields a result row shows when the query names none (as the Insights console's default). */
const DEFAULT_FIELDS = ["@timestamp", "@message", "@logStream", "@log"];

export interface QueryOutcome {
  rows: { field: string; value: string }[][];
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
}

/**
 * Runs a parsed query over records (any order). Commands apply in the order
 * written, except that `limit` applies last and `fields` shapes the output.
 */
export function runQuery(
  query: Query,
  records: Iterable<LogRecord>,
  options: { accountId: string; limit?: number },
): QueryOutcome {
  let rows: Row[] = [];
  let scanned = 0;
  let bytes = 0;
  for (const record of records) {
    scanned++;
    bytes += Buffer.byteLength(record.message);
    rows.push(toRow(record, options.accountId));
  }
  let shown: string[] | null = null;
  let limit = Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  let sorted = false;
  let matched: number | null = null;
  for (const command of query.commands) {
    switch (command.kind) {
      case "filter":
        rows = rows.filter((row) => matches(command.condition, row));
        break;
      case "fields":
        shown = [...(shown ?? []), ...command.fields.filter((f) => !shown?.includes(f))];
        break;
      case "sort":
        rows.sort((a, b) => {
          for (const key of command.keys) {
            const x = a[key.field];
            const y = b[key.field];
            // Rows without the field sort last either way.
            if (!present(x) || !present(y)) {
              if (present(x) !== present(y)) return present(x) ? -1 : 1;
              continue;
            }
            const order = compare(x, y);
            if (order !== 0) return key.descending ? -order : order;
          }
          return 0;
        });
        sorted = true;
        break;
      case "limit":
        limit = command.count;
        break;
      case "stats": {
        matched = rows.length;
        const groups = new Map<string, Row>();
        for (const row of rows) {
          const key = JSON.stringify(command.by.map((f) => row[f] ?? null));
          let group = groups.get(key);
          if (!group) {
            group = Object.fromEntries(command.by.map((f) => [f, row[f] ?? null]));
            for (const a of command.aggregates) group[a.as] = 0;
            groups.set(key, group);
          }
          for (const a of command.aggregates)
            if (a.field === null || present(row[a.field])) group[a.as] = Number(group[a.as]) + 1;
        }
        rows = [...groups.values()];
        shown = [...command.by, ...command.aggregates.map((a) => a.as)];
        sorted = true;
        break;
      }
    }
  }
  // Without a sort, Insights returns newest first.
  if (!sorted) rows.sort((a, b) => compare(b["@timestamp"]!, a["@timestamp"]!));
  const columns = shown ?? DEFAULT_FIELDS;
  const withPtr = !query.commands.some((c) => c.kind === "stats");
  return {
    rows: rows
      .slice(0, limit)
      .map((row) => [
        ...columns.flatMap((field) =>
          present(row[field]) ? [{ field, value: String(row[field]) }] : [],
        ),
        ...(withPtr ? [{ field: "@ptr", value: String(row["@ptr"]) }] : []),
      ]),
    recordsMatched: matched ?? rows.length,
    recordsScanned: scanned,
    bytesScanned: bytes,
  };
}

/**
 * An equality on this field that every matching record must satisfy (a
 * top-level `and` conjunct), so a store can narrow its scan by an index.
 */
export function requiredEquality(query: Query, field: string): string | undefined {
  const conjuncts = (c: Condition): Condition[] =>
    c.kind === "and" ? [...conjuncts(c.left), ...conjuncts(c.right)] : [c];
  for (const command of query.commands) {
    if (command.kind === "stats") return undefined; // later filters see aggregates
    if (command.kind !== "filter") continue;
    for (const c of conjuncts(command.condition))
      if (c.kind === "compare" && c.op === "=" && c.field === field && typeof c.value === "string")
        return c.value;
  }
  return undefined;
}
