// Step Functions conformance tables, one per area, each row taken from (and citing) a page of
// AWS's Step Functions developer guide. Shared by the SDK test (conformance.test.ts) and the
// AWS CLI test (aws-cli.integration.test.ts), so both clients check the same documented facts.
import { createHash } from "node:crypto";
import type { JSONObject, JSONValue } from "./types";

const GUIDE = "https://docs.aws.amazon.com/step-functions/latest/dg/";
const INTRINSICS = `${GUIDE}intrinsic-functions.html`;
const CHOICE = `${GUIDE}state-choice.html`;
const ERRORS = `${GUIDE}concepts-error-handling.html`;
const FAIL = `${GUIDE}state-fail.html`;

// ---- Intrinsic functions: `"value.$": expr` in a Pass state's Parameters ----

export interface IntrinsicCase {
  doc: string;
  name: string;
  input: JSONValue;
  expr: string;
  /** The documented result, or a check for a result that is random by design. */
  expected: JSONValue | ((value: JSONValue) => boolean);
}

const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const intrinsicCases: IntrinsicCase[] = [
  {
    doc: `${INTRINSICS}#asl-intrsc-func-generic`,
    name: "States.Format with a literal template",
    input: { name: "Arnav", template: "Hello, my name is {}." },
    expr: "States.Format('Hello, my name is {}.', $.name)",
    expected: "Hello, my name is Arnav.",
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-generic`,
    name: "States.Format with the template from a path",
    input: { name: "Arnav", template: "Hello, my name is {}." },
    expr: "States.Format($.template, $.name)",
    expected: "Hello, my name is Arnav.",
  },
  {
    doc: `${INTRINSICS}#amazon-states-language-intrinsic-functions-escapes`,
    name: "States.Format with escaped reserved characters \\' \\{ \\} \\\\",
    input: { name: "Arnav" },
    expr: "States.Format('It\\'s \\{{}\\} \\\\o/', $.name)",
    expected: "It's {Arnav} \\o/",
  },
  {
    doc: `${INTRINSICS}#amazon-states-language-intrinsic-functions-escapes`,
    name: "States.Format: an escaped backslash is one backslash",
    input: { dir: "temp" },
    expr: "States.Format('C:\\\\{}', $.dir)",
    expected: "C:\\temp",
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-generic`,
    name: "States.Format keeps the backslashes of an interpolated value",
    input: { path: "C:\\Users\\Arnav" },
    expr: "States.Format('Home: {}', $.path)",
    expected: "Home: C:\\Users\\Arnav",
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-generic`,
    name: "States.Format: a comma and parentheses inside the literal",
    input: { name: "Arnav" },
    expr: "States.Format('Hi (again), {}', $.name)",
    expected: "Hi (again), Arnav",
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-json-manipulate`,
    name: "States.StringToJson",
    input: { escapedJsonString: '{"foo": "bar"}' },
    expr: "States.StringToJson($.escapedJsonString)",
    expected: { foo: "bar" },
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-json-manipulate`,
    name: "States.JsonToString",
    input: { unescapedJson: { foo: "bar" } },
    expr: "States.JsonToString($.unescapedJson)",
    expected: '{"foo":"bar"}',
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-json-manipulate`,
    name: "States.JsonToString keeps the escapes of quotes inside strings",
    input: { unescapedJson: { say: 'a "quoted" word' } },
    expr: "States.JsonToString($.unescapedJson)",
    expected: '{"say":"a \\"quoted\\" word"}',
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-json-manipulate`,
    name: "States.JsonMerge, shallow: json2's a replaces json1's a",
    input: { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
    expr: "States.JsonMerge($.json1, $.json2, false)",
    expected: { a: { a3: 1, a4: 2 }, b: 2, c: 3 },
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.Array",
    input: { Id: 123456 },
    expr: "States.Array($.Id)",
    expected: [123456],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.ArrayPartition into chunks of four",
    input: { inputArray: nine },
    expr: "States.ArrayPartition($.inputArray,4)",
    expected: [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.ArrayContains",
    input: { inputArray: nine, lookingFor: 5 },
    expr: "States.ArrayContains($.inputArray, $.lookingFor)",
    expected: true,
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.ArrayRange from 1 to 9 by 2",
    input: {},
    expr: "States.ArrayRange(1, 9, 2)",
    expected: [1, 3, 5, 7, 9],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.ArrayGetItem at index 5",
    input: { inputArray: nine, index: 5 },
    expr: "States.ArrayGetItem($.inputArray, $.index)",
    expected: 6,
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.ArrayLength",
    input: { inputArray: nine },
    expr: "States.ArrayLength($.inputArray)",
    expected: 9,
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-arrays`,
    name: "States.ArrayUnique",
    input: { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] },
    expr: "States.ArrayUnique($.inputArray)",
    expected: [1, 2, 3, 4],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-data-encode-decode`,
    name: "States.Base64Encode",
    input: { input: "Data to encode" },
    expr: "States.Base64Encode($.input)",
    expected: "RGF0YSB0byBlbmNvZGU=",
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-data-encode-decode`,
    name: "States.Base64Decode",
    input: { base64: "RGF0YSB0byBlbmNvZGU=" },
    expr: "States.Base64Decode($.base64)",
    expected: "Data to encode",
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-hash-calc`,
    name: "States.Hash with SHA-1",
    input: { Data: "input data", Algorithm: "SHA-1" },
    expr: "States.Hash($.Data, $.Algorithm)",
    expected: "aaff4a450a104cd177d28d18d74485e8cae074b7",
  },
  // The algorithms the docs list, each as a hex digest of the same data.
  ...(["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"] as const).map(
    (algorithm): IntrinsicCase => ({
      doc: `${INTRINSICS}#asl-intrsc-func-hash-calc`,
      name: `States.Hash with ${algorithm}`,
      input: { Data: "input data", Algorithm: algorithm },
      expr: "States.Hash($.Data, $.Algorithm)",
      expected: createHash(algorithm.replace("-", "").toLowerCase())
        .update("input data")
        .digest("hex"),
    }),
  ),
  {
    doc: `${INTRINSICS}#asl-intrsc-func-math-operation`,
    name: "States.MathRandom between start (inclusive) and end (exclusive)",
    input: { start: 1, end: 999 },
    expr: "States.MathRandom($.start, $.end)",
    expected: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) < 999,
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-math-operation`,
    name: "States.MathAdd with a negative step",
    input: { value1: 111, step: -1 },
    expr: "States.MathAdd($.value1, $.step)",
    expected: 110,
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-string-operation`,
    name: "States.StringSplit on a comma",
    input: { inputString: "1,2,3,4,5", splitter: "," },
    expr: "States.StringSplit($.inputString, $.splitter)",
    expected: ["1", "2", "3", "4", "5"],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-string-operation`,
    name: "States.StringSplit: every character of the splitter is a delimiter",
    input: { inputString: "This.is+a,test=string", splitter: ".+,=" },
    expr: "States.StringSplit($.inputString, $.splitter)",
    expected: ["This", "is", "a", "test", "string"],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-string-operation`,
    name: "States.StringSplit with a literal splitter of two characters",
    input: { region: "us-east-1/b" },
    expr: "States.StringSplit($.region, '-/')",
    expected: ["us", "east", "1", "b"],
  },
  {
    doc: `${INTRINSICS}#asl-intrsc-func-uuid-generate`,
    name: "States.UUID is a version 4 UUID",
    input: {},
    expr: "States.UUID()",
    expected: (v) => typeof v === "string" && UUID_V4.test(v),
  },
];

// ---- Choice rules: one rule (Next "Yes"), Default "No" ----

export interface ChoiceCase {
  doc: string;
  name: string;
  rule: JSONObject;
  input: JSONValue;
  /** true: the rule matched; false: Default; a string: the execution fails with that error. */
  expected: boolean | string;
}

const TS = "2016-03-14T01:59:00Z";

/** A comparison, matching and not matching, for each operator and its Path variant. */
function comparisons(
  kind: "String" | "Numeric" | "Timestamp",
  low: JSONValue,
  high: JSONValue,
): ChoiceCase[] {
  const ops: Array<[string, (a: number, b: number) => boolean]> = [
    ["Equals", (a, b) => a === b],
    ["LessThan", (a, b) => a < b],
    ["GreaterThan", (a, b) => a > b],
    ["LessThanEquals", (a, b) => a <= b],
    ["GreaterThanEquals", (a, b) => a >= b],
  ];
  const rows: ChoiceCase[] = [];
  for (const [op, holds] of ops) {
    for (const [value, n] of [
      [low, 0],
      [high, 1],
    ] as const) {
      rows.push({
        doc: CHOICE,
        name: `${kind}${op}: ${JSON.stringify(value)} vs ${JSON.stringify(low)}`,
        rule: { Variable: "$.v", [`${kind}${op}`]: low },
        input: { v: value },
        expected: holds(n, 0),
      });
      rows.push({
        doc: CHOICE,
        name: `${kind}${op}Path: ${JSON.stringify(value)} vs $.other ${JSON.stringify(low)}`,
        rule: { Variable: "$.v", [`${kind}${op}Path`]: "$.other" },
        input: { v: value, other: low },
        expected: holds(n, 0),
      });
    }
  }
  return rows;
}

const rule = (r: JSONObject) => ({ Variable: "$.v", ...r });

export const choiceCases: ChoiceCase[] = [
  ...comparisons("String", "apple", "banana"),
  ...comparisons("Numeric", 10, 20.5),
  ...comparisons("Timestamp", TS, "2016-03-14T02:00:00Z"),
  {
    doc: CHOICE,
    name: "BooleanEquals true",
    rule: rule({ BooleanEquals: true }),
    input: { v: true },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "BooleanEquals true on false",
    rule: rule({ BooleanEquals: true }),
    input: { v: false },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "BooleanEqualsPath",
    rule: rule({ BooleanEqualsPath: "$.other" }),
    input: { v: false, other: false },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "NumericEquals on a string value is false, not an error",
    rule: rule({ NumericEquals: 5 }),
    input: { v: "5" },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "NumericLessThan on a string value is false (no coercion)",
    rule: rule({ NumericLessThan: 10 }),
    input: { v: "5" },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "StringLessThan on a number value is false (no coercion)",
    rule: rule({ StringLessThan: "b" }),
    input: { v: 1 },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "StringEquals on a number value is false",
    rule: rule({ StringEquals: "1" }),
    input: { v: 1 },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "TimestampEquals on a string that is not a timestamp is false",
    rule: rule({ TimestampEquals: TS }),
    input: { v: "yesterday" },
    expected: false,
  },

  // StringMatches: only * is special; \\* is a literal star and \\\\ a literal backslash.
  {
    doc: CHOICE,
    name: "StringMatches log-*.txt (docs example)",
    rule: rule({ StringMatches: "log-*.txt" }),
    input: { v: "log-2024-01-01.txt" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "StringMatches log-*.txt: the dot is literal",
    rule: rule({ StringMatches: "log-*.txt" }),
    input: { v: "log-1-txt" },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "StringMatches: * matches an empty run",
    rule: rule({ StringMatches: "log-*.txt" }),
    input: { v: "log-.txt" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "StringMatches: an escaped star is a literal star",
    rule: rule({ StringMatches: "a\\*b" }),
    input: { v: "a*b" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "StringMatches: an escaped star does not expand",
    rule: rule({ StringMatches: "a\\*b" }),
    input: { v: "axxb" },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "StringMatches: an escaped backslash is a literal backslash",
    rule: rule({ StringMatches: "C:\\\\*" }),
    input: { v: "C:\\temp" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "StringMatches: ? is a literal question mark, not one character",
    rule: rule({ StringMatches: "why?" }),
    input: { v: "whyx" },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "StringMatches: ? matches itself",
    rule: rule({ StringMatches: "why?*" }),
    input: { v: "why? because" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "StringMatches: regex characters are literal",
    rule: rule({ StringMatches: "arn:aws:sqs:us-east-1:*:orders-(dlq)" }),
    input: { v: "arn:aws:sqs:us-east-1:123456789012:orders-(dlq)" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "StringMatches on a number value is false",
    rule: rule({ StringMatches: "*" }),
    input: { v: 5 },
    expected: false,
  },
  // Type tests, true and false, on a value of the type and of another type.
  ...(
    [
      ["IsNull", null, "x"],
      ["IsNumeric", 1.5, "1.5"],
      ["IsString", "x", 1],
      ["IsBoolean", false, "false"],
      ["IsTimestamp", TS, "2016-03-14"],
    ] as const
  ).flatMap(([op, yes, no]): ChoiceCase[] =>
    [true, false].flatMap((flag) => [
      {
        doc: CHOICE,
        name: `${op}: ${flag} on ${JSON.stringify(yes)}`,
        rule: rule({ [op]: flag }),
        input: { v: yes },
        expected: flag,
      },
      {
        doc: CHOICE,
        name: `${op}: ${flag} on ${JSON.stringify(no)}`,
        rule: rule({ [op]: flag }),
        input: { v: no },
        expected: !flag,
      },
    ]),
  ),
  {
    doc: CHOICE,
    name: "IsPresent: true on a present field",
    rule: rule({ IsPresent: true }),
    input: { v: null },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "IsPresent: true on a missing field",
    rule: rule({ IsPresent: true }),
    input: {},
    expected: false,
  },
  {
    doc: CHOICE,
    name: "IsPresent: false on a missing field",
    rule: rule({ IsPresent: false }),
    input: {},
    expected: true,
  },
  {
    doc: CHOICE,
    name: "IsPresent: false on a present field",
    rule: rule({ IsPresent: false }),
    input: { v: 0 },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "a comparison on a missing field fails the execution with States.Runtime",
    rule: rule({ NumericEquals: 1 }),
    input: {},
    expected: "States.Runtime",
  },
  // Boolean combinations (the docs' And/Or/Not examples).
  {
    doc: CHOICE,
    name: "And: value between 20 and 30",
    rule: {
      And: [
        { Variable: "$.value", NumericGreaterThanEquals: 20 },
        { Variable: "$.value", NumericLessThan: 30 },
      ],
    },
    input: { value: 25 },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "And: one side false",
    rule: {
      And: [
        { Variable: "$.value", NumericGreaterThanEquals: 20 },
        { Variable: "$.value", NumericLessThan: 30 },
      ],
    },
    input: { value: 30 },
    expected: false,
  },
  {
    doc: CHOICE,
    name: "Or: either side",
    rule: {
      Or: [
        { Variable: "$.type", StringEquals: "Private" },
        { Variable: "$.value", NumericGreaterThan: 100 },
      ],
    },
    input: { type: "Public", value: 101 },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "Not: type is not Private",
    rule: { Not: { Variable: "$.type", StringEquals: "Private" } },
    input: { type: "Public" },
    expected: true,
  },
  {
    doc: CHOICE,
    name: "Not around IsPresent guards a missing field",
    rule: {
      And: [
        { Variable: "$.value", IsPresent: true },
        { Not: { Variable: "$.value", NumericEquals: 0 } },
      ],
    },
    input: { value: 3 },
    expected: true,
  },
];

// ---- Error names and where they appear ----

export interface ErrorCase {
  doc: string;
  name: string;
  definition: JSONObject;
  input?: JSONValue;
  /** The execution's end as DescribeExecution shows it; `output` when it succeeded. */
  expected: { status: string; error?: string; cause?: string | RegExp; output?: JSONValue };
}

const LAMBDA = "arn:aws:states:::lambda:invoke";
/** A Task calling the test's in-memory function `name`, with extra fields. */
const task = (name: string, extra: JSONObject = {}): JSONObject => ({
  Type: "Task",
  Resource: LAMBDA,
  Parameters: { FunctionName: name, Payload: {} },
  ...extra,
});
const caughtBy = (errorEquals: string[], state: JSONObject): JSONObject => ({
  StartAt: "T",
  States: {
    T: {
      ...state,
      Catch: [{ ErrorEquals: errorEquals, Next: "Caught" }],
      End: true,
    },
    // The error output ({Error, Cause}) replaces the input: its name is the execution's output.
    Caught: { Type: "Pass", OutputPath: "$.Error", End: true },
  },
});

export const errorCases: ErrorCase[] = [
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "States.ALL catches a function's error",
    definition: caughtBy(["States.ALL"], task("decline")),
    expected: { status: "SUCCEEDED", output: "PaymentDeclined" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "States.TaskFailed catches a function's error",
    definition: caughtBy(["States.TaskFailed"], task("decline")),
    expected: { status: "SUCCEEDED", output: "PaymentDeclined" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "the error name itself catches it",
    definition: caughtBy(["PaymentDeclined"], task("decline")),
    expected: { status: "SUCCEEDED", output: "PaymentDeclined" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "an uncaught function error fails the execution with its name",
    definition: { StartAt: "T", States: { T: { ...task("decline"), End: true } } },
    expected: { status: "FAILED", error: "PaymentDeclined" },
  },
  {
    doc: `${ERRORS}#error-handling-handling-timeout-using-catch`,
    name: "States.Timeout: a task that runs past TimeoutSeconds, caught",
    definition: caughtBy(["States.Timeout"], task("slow", { TimeoutSeconds: 1 })),
    expected: { status: "SUCCEEDED", output: "States.Timeout" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "States.TaskFailed does not catch States.Timeout",
    definition: caughtBy(["States.TaskFailed"], task("slow", { TimeoutSeconds: 1 })),
    expected: { status: "FAILED", error: "States.Timeout" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "States.NoChoiceMatched: no rule matches and there is no Default",
    definition: {
      StartAt: "C",
      States: {
        C: { Type: "Choice", Choices: [{ Variable: "$.n", NumericEquals: 1, Next: "D" }] },
        D: { Type: "Succeed" },
      },
    },
    input: { n: 2 },
    expected: { status: "FAILED", error: "States.NoChoiceMatched" },
  },
  {
    doc: `${ERRORS}#states-runtime-error`,
    name: "States.Runtime: InputPath on a missing field, not caught by States.ALL",
    definition: caughtBy(["States.ALL"], task("ok", { InputPath: "$.missing" })),
    input: {},
    expected: { status: "FAILED", error: "States.Runtime" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "States.ResultPathMatchFailure: ResultPath cannot be applied to the input, caught",
    definition: caughtBy(["States.ResultPathMatchFailure"], task("ok", { ResultPath: "$.result" })),
    input: "a string has no field to set",
    expected: { status: "SUCCEEDED", output: "States.ResultPathMatchFailure" },
  },
  {
    doc: `${ERRORS}#error-handling-error-representation`,
    name: "a Parallel state catches its failed branch's error",
    definition: caughtBy(["PaymentDeclined"], {
      Type: "Parallel",
      Branches: [
        { StartAt: "A", States: { A: { Type: "Pass", End: true } } },
        { StartAt: "B", States: { B: { ...task("decline"), End: true } } },
      ],
    }),
    expected: { status: "SUCCEEDED", output: "PaymentDeclined" },
  },
  {
    doc: FAIL,
    name: "a Fail state with Error and Cause",
    definition: {
      StartAt: "F",
      States: { F: { Type: "Fail", Error: "ErrorA", Cause: "Kaiju attack" } },
    },
    expected: { status: "FAILED", error: "ErrorA", cause: "Kaiju attack" },
  },
  {
    doc: FAIL,
    name: "a Fail state with ErrorPath and CausePath",
    definition: {
      StartAt: "F",
      States: { F: { Type: "Fail", ErrorPath: "$.e", CausePath: "$.c" } },
    },
    input: { e: "ErrorB", c: "from the input" },
    expected: { status: "FAILED", error: "ErrorB", cause: "from the input" },
  },
  {
    doc: FAIL,
    name: "a Fail state's ErrorPath and CausePath may be intrinsic functions returning a string",
    definition: {
      StartAt: "F",
      States: {
        F: {
          Type: "Fail",
          ErrorPath: "States.Format('Order.{}', $.kind)",
          CausePath: "States.JsonToString($.detail)",
        },
      },
    },
    input: { kind: "Declined", detail: { orderId: "o-1" } },
    expected: { status: "FAILED", error: "Order.Declined", cause: '{"orderId":"o-1"}' },
  },
  {
    doc: FAIL,
    name: "a Fail state's ErrorPath must select a string: a number is States.Runtime",
    definition: { StartAt: "F", States: { F: { Type: "Fail", ErrorPath: "$.code" } } },
    input: { code: 42 },
    expected: { status: "FAILED", error: "States.Runtime" },
  },
  {
    doc: `${ERRORS}#error-data-limit-exceed`,
    name: "States.DataLimitExceeded: a state's output over 256 KiB, not caught by States.ALL",
    // Each branch passes the 150 KB input on: the Parallel state's output is twice that.
    definition: caughtBy(["States.ALL"], {
      Type: "Parallel",
      Branches: [
        { StartAt: "A", States: { A: { Type: "Pass", End: true } } },
        { StartAt: "B", States: { B: { Type: "Pass", End: true } } },
      ],
    }),
    input: { big: "x".repeat(150_000) },
    expected: { status: "FAILED", error: "States.DataLimitExceeded" },
  },
];

// ---- Definitions CreateStateMachine accepts or rejects (InvalidDefinition) ----

export interface DefinitionCase {
  doc: string;
  name: string;
  definition: JSONObject;
  valid: boolean;
}

const withHandlers = (field: "Retry" | "Catch", handlers: string[][]): JSONObject => ({
  StartAt: "T",
  States: {
    T: {
      ...task("ok"),
      [field]: handlers.map(
        (errorEquals): JSONObject =>
          field === "Retry"
            ? { ErrorEquals: errorEquals }
            : { ErrorEquals: errorEquals, Next: "E" },
      ),
      End: true,
    },
    // Every state must be reachable: the catchers' target only where there are catchers.
    ...(field === "Catch" ? { E: { Type: "Pass", End: true } } : {}),
  },
});

export const definitionCases: DefinitionCase[] = [
  {
    doc: FAIL,
    name: "Fail: Cause and CausePath together",
    definition: { StartAt: "F", States: { F: { Type: "Fail", Cause: "a", CausePath: "$.c" } } },
    valid: false,
  },
  {
    doc: FAIL,
    name: "Fail: Error and ErrorPath together",
    definition: { StartAt: "F", States: { F: { Type: "Fail", Error: "E", ErrorPath: "$.e" } } },
    valid: false,
  },
  {
    doc: FAIL,
    name: "Fail: neither Error nor Cause",
    definition: { StartAt: "F", States: { F: { Type: "Fail" } } },
    valid: true,
  },
  ...(["Retry", "Catch"] as const).flatMap((field): DefinitionCase[] => {
    const doc = `${ERRORS}#${field === "Retry" ? "error-handling-retrying-after-an-error" : "error-handling-fallback-states"}`;
    return [
      {
        doc,
        name: `${field}: States.ALL alone in the last ${field === "Retry" ? "retrier" : "catcher"}`,
        definition: withHandlers(field, [["States.Timeout"], ["States.ALL"]]),
        valid: true,
      },
      {
        doc,
        name: `${field}: States.ALL with another error name`,
        definition: withHandlers(field, [["States.ALL", "States.Timeout"]]),
        valid: false,
      },
      {
        doc,
        name: `${field}: States.ALL before another ${field === "Retry" ? "retrier" : "catcher"}`,
        definition: withHandlers(field, [["States.ALL"], ["States.Timeout"]]),
        valid: false,
      },
      {
        doc,
        name: `${field}: States.ALL in a Parallel branch's ${field}, not last`,
        definition: {
          StartAt: "P",
          States: {
            P: {
              Type: "Parallel",
              Branches: [withHandlers(field, [["States.ALL"], ["ErrorA"]])],
              End: true,
            },
          },
        },
        valid: false,
      },
    ];
  }),
];
