// ASL data flow, intrinsics and Choice through the API, checked against AWS's documented results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fakeIntegrations,
  type Harness,
  runMachine,
  startHarness,
} from "../../../test/stepfunctions/test-harness";

let h: Harness;
const fakes = fakeIntegrations({
  echo: (p) => p,
  total: (p) => ({
    total: (p as { items: Array<{ price: number }> }).items.reduce((s, i) => s + i.price, 0),
  }),
});

beforeAll(async () => {
  h = await startHarness(fakes.integrations);
});
afterAll(() => h.stop());

const LAMBDA = "arn:aws:states:::lambda:invoke";

describe("input and output processing", () => {
  it("applies InputPath, Parameters, ResultSelector, ResultPath and OutputPath in AWS's order", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "Total",
        States: {
          Total: {
            Type: "Task",
            Resource: LAMBDA,
            InputPath: "$.order",
            Parameters: { FunctionName: "total", "Payload.$": "$" },
            ResultSelector: { "sum.$": "$.Payload.total", "code.$": "$.StatusCode" },
            ResultPath: "$.result",
            OutputPath: "$.result",
            End: true,
          },
        },
      },
      { order: { items: [{ price: 2 }, { price: 5 }] }, other: true },
    );
    expect(out.status).toBe("SUCCEEDED");
    expect(out.parsed).toEqual({ sum: 7, code: 200 });
  });

  it("returns lambda:invoke's AWS result shape and merges into the raw input with ResultPath", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "Echo",
        States: {
          Echo: {
            Type: "Task",
            Resource: LAMBDA,
            Parameters: { FunctionName: "echo", Payload: { a: 1 } },
            ResultPath: "$.r",
            End: true,
          },
        },
      },
      { keep: "me" },
    );
    expect(out.parsed.keep).toBe("me");
    expect(out.parsed.r).toMatchObject({
      ExecutedVersion: "$LATEST",
      Payload: { a: 1 },
      StatusCode: 200,
    });
    expect(out.parsed.r.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(typeof out.parsed.r.SdkResponseMetadata.RequestId).toBe("string");
  });

  it("passes the effective input itself to a Lambda ARN used as Resource", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "Direct",
        States: {
          Direct: {
            Type: "Task",
            Resource: "arn:aws:lambda:us-east-1:000000000000:function:echo",
            InputPath: "$.x",
            End: true,
          },
        },
      },
      { x: { y: 1 } },
    );
    expect(out.parsed).toEqual({ y: 1 });
  });

  it("discards the result with ResultPath null and empties with OutputPath null", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "A",
        States: {
          A: { Type: "Pass", Result: "ignored", ResultPath: null, Next: "B" },
          B: { Type: "Pass", Parameters: { "kept.$": "$.v" }, Next: "C" },
          C: { Type: "Pass", OutputPath: null, End: true },
        },
      },
      { v: 3 },
    );
    expect(out.parsed).toEqual({});
  });

  it("exposes the Context Object", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "Ctx",
        States: {
          Ctx: {
            Type: "Pass",
            Parameters: {
              "id.$": "$$.Execution.Id",
              "name.$": "$$.Execution.Name",
              "input.$": "$$.Execution.Input",
              "start.$": "$$.Execution.StartTime",
              "role.$": "$$.Execution.RoleArn",
              "state.$": "$$.State.Name",
              "entered.$": "$$.State.EnteredTime",
              "retries.$": "$$.State.RetryCount",
              "machine.$": "$$.StateMachine.Name",
            },
            End: true,
          },
        },
      },
      { hello: "world" },
    );
    expect(out.parsed.id).toBe(out.executionArn);
    expect(out.parsed.name).toBe(out.name);
    expect(out.parsed.input).toEqual({ hello: "world" });
    expect(new Date(out.parsed.start).getTime()).toBe(out.startDate?.getTime());
    expect(out.parsed.role).toBe("arn:aws:iam::000000000000:role/saga");
    expect(out.parsed.state).toBe("Ctx");
    expect(Number.isNaN(Date.parse(out.parsed.entered))).toBe(false);
    expect(out.parsed.retries).toBe(0);
    expect(out.parsed.machine).toBe(out.stateMachineArn?.split(":")[6]);
  });
});

describe("intrinsic functions", () => {
  it("evaluates the documented examples", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "I",
        States: {
          I: {
            Type: "Pass",
            Parameters: {
              "format.$": "States.Format('Hello, {}', $.name)",
              "json.$": "States.JsonToString($.obj)",
              "parsed.$": "States.StringToJson('{\"n\":1}')",
              "array.$": "States.Array(1, 'two', $.obj)",
              "partition.$": "States.ArrayPartition($.nums, 2)",
              "contains.$": "States.ArrayContains($.nums, 3)",
              "range.$": "States.ArrayRange(1, 9, 2)",
              "at.$": "States.ArrayGetItem($.nums, 1)",
              "length.$": "States.ArrayLength($.nums)",
              "unique.$": "States.ArrayUnique($.dups)",
              "b64.$": "States.Base64Encode('Data to encode')",
              "unb64.$": "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')",
              "hash.$": "States.Hash('input data', 'SHA-1')",
              "merged.$": "States.JsonMerge($.a, $.b, false)",
              "add.$": "States.MathAdd(111, -1)",
              "split.$": "States.StringSplit('1,2,3', ',')",
              "uuid.$": "States.UUID()",
            },
            End: true,
          },
        },
      },
      {
        name: "Ada",
        obj: { k: "v" },
        nums: [1, 2, 3, 4, 5],
        dups: [1, 1, 2],
        a: { x: 1, y: 1 },
        b: { y: 2 },
      },
    );
    const p = out.parsed;
    expect(p.format).toBe("Hello, Ada");
    expect(p.json).toBe('{"k":"v"}');
    expect(p.parsed).toEqual({ n: 1 });
    expect(p.array).toEqual([1, "two", { k: "v" }]);
    expect(p.partition).toEqual([[1, 2], [3, 4], [5]]);
    expect(p.contains).toBe(true);
    expect(p.range).toEqual([1, 3, 5, 7, 9]);
    expect(p.at).toBe(2);
    expect(p.length).toBe(5);
    expect(p.unique).toEqual([1, 2]);
    expect(p.b64).toBe("RGF0YSB0byBlbmNvZGU=");
    expect(p.unb64).toBe("Data to encode");
    expect(p.hash).toBe("aaff4a450a104cd177d28d18d74485e8cae074b7");
    expect(p.merged).toEqual({ x: 1, y: 2 });
    expect(p.add).toBe(110);
    expect(p.split).toEqual(["1", "2", "3"]);
    expect(p.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("Choice", () => {
  const choice = (rule: object) => ({
    StartAt: "C",
    States: {
      C: { Type: "Choice", Choices: [{ ...rule, Next: "Yes" }], Default: "No" },
      Yes: { Type: "Pass", Result: "yes", End: true },
      No: { Type: "Pass", Result: "no", End: true },
    },
  });
  const input = {
    s: "b",
    n: 5,
    t: true,
    ts: "2024-01-02T00:00:00Z",
    other: { s: "a", n: 4, t: true, ts: "2024-01-01T00:00:00Z" },
    nil: null,
  };
  const cases: Array<[string, object, "yes" | "no"]> = [
    ["StringEquals", { Variable: "$.s", StringEquals: "b" }, "yes"],
    ["StringLessThan", { Variable: "$.s", StringLessThan: "a" }, "no"],
    ["StringGreaterThanEquals", { Variable: "$.s", StringGreaterThanEquals: "b" }, "yes"],
    ["StringMatches", { Variable: "$.s", StringMatches: "b*" }, "yes"],
    ["StringEqualsPath", { Variable: "$.s", StringEqualsPath: "$.other.s" }, "no"],
    ["StringGreaterThanPath", { Variable: "$.s", StringGreaterThanPath: "$.other.s" }, "yes"],
    ["NumericEquals", { Variable: "$.n", NumericEquals: 5 }, "yes"],
    ["NumericLessThan", { Variable: "$.n", NumericLessThan: 5 }, "no"],
    ["NumericGreaterThanEquals", { Variable: "$.n", NumericGreaterThanEquals: 5 }, "yes"],
    ["NumericGreaterThanPath", { Variable: "$.n", NumericGreaterThanPath: "$.other.n" }, "yes"],
    ["BooleanEquals", { Variable: "$.t", BooleanEquals: false }, "no"],
    ["BooleanEqualsPath", { Variable: "$.t", BooleanEqualsPath: "$.other.t" }, "yes"],
    [
      "TimestampGreaterThan",
      { Variable: "$.ts", TimestampGreaterThan: "2024-01-01T00:00:00Z" },
      "yes",
    ],
    ["TimestampEqualsPath", { Variable: "$.ts", TimestampEqualsPath: "$.other.ts" }, "no"],
    ["IsNull", { Variable: "$.nil", IsNull: true }, "yes"],
    ["IsPresent", { Variable: "$.missing", IsPresent: true }, "no"],
    ["IsNumeric", { Variable: "$.n", IsNumeric: true }, "yes"],
    ["IsString", { Variable: "$.n", IsString: true }, "no"],
    ["IsBoolean", { Variable: "$.t", IsBoolean: true }, "yes"],
    ["IsTimestamp", { Variable: "$.ts", IsTimestamp: true }, "yes"],
    [
      "And",
      {
        And: [
          { Variable: "$.n", NumericGreaterThan: 1 },
          { Variable: "$.s", StringEquals: "b" },
        ],
      },
      "yes",
    ],
    [
      "Or",
      {
        Or: [
          { Variable: "$.n", NumericGreaterThan: 10 },
          { Variable: "$.s", StringEquals: "z" },
        ],
      },
      "no",
    ],
    ["Not", { Not: { Variable: "$.s", StringEquals: "z" } }, "yes"],
    ["context variable", { Variable: "$$.Execution.Input.s", StringEquals: "b" }, "yes"],
  ];
  it.each(cases)("%s", async (_name, rule, expected) => {
    const out = await runMachine(h.client, choice(rule), input);
    expect(out.parsed).toBe(expected);
  });

  it("fails with States.NoChoiceMatched when nothing matches and there is no Default", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "C",
        States: {
          C: { Type: "Choice", Choices: [{ Variable: "$.n", NumericEquals: 1, Next: "X" }] },
          X: { Type: "Succeed" },
        },
      },
      { n: 2 },
    );
    expect(out.status).toBe("FAILED");
    expect(out.error).toBe("States.NoChoiceMatched");
  });
});

describe("Map and Parallel", () => {
  it("maps with ItemSelector, $$.Map.Item and MaxConcurrency, keeping order", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemsPath: "$.items",
            MaxConcurrency: 2,
            ItemSelector: {
              "index.$": "$$.Map.Item.Index",
              "value.$": "$$.Map.Item.Value",
              "tag.$": "$.tag",
            },
            ItemProcessor: {
              ProcessorConfig: { Mode: "INLINE" },
              StartAt: "Double",
              States: {
                Double: {
                  Type: "Pass",
                  Parameters: {
                    "i.$": "$.index",
                    "v.$": "States.MathAdd($.value, $.value)",
                    "tag.$": "$.tag",
                  },
                  End: true,
                },
              },
            },
            ResultPath: "$.doubled",
            End: true,
          },
        },
      },
      { items: [1, 2, 3], tag: "t" },
    );
    expect(out.parsed.doubled).toEqual([
      { i: 0, v: 2, tag: "t" },
      { i: 1, v: 4, tag: "t" },
      { i: 2, v: 6, tag: "t" },
    ]);
  });

  it("runs Parallel branches on the same input and collects results in branch order", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "P",
        States: {
          P: {
            Type: "Parallel",
            Branches: [
              {
                StartAt: "A",
                States: {
                  A: {
                    Type: "Task",
                    Resource: LAMBDA,
                    Parameters: { FunctionName: "echo", "Payload.$": "$.x" },
                    OutputPath: "$.Payload",
                    End: true,
                  },
                },
              },
              {
                StartAt: "B",
                States: { B: { Type: "Pass", Parameters: { "y.$": "$.x" }, End: true } },
              },
            ],
            ResultSelector: { "first.$": "$[0]", "second.$": "$[1].y" },
            End: true,
          },
        },
      },
      { x: 42 },
    );
    expect(out.parsed).toEqual({ first: 42, second: 42 });
  });

  it("fails a Map whose iteration fails, caught by the Map's Catch with {Error, Cause}", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemsPath: "$.items",
            ItemProcessor: {
              StartAt: "Check",
              States: {
                Check: {
                  Type: "Choice",
                  Choices: [{ Variable: "$", NumericEquals: 2, Next: "Bad" }],
                  Default: "Ok",
                },
                Bad: { Type: "Fail", Error: "ItemRejected", Cause: "two" },
                Ok: { Type: "Succeed" },
              },
            },
            Catch: [{ ErrorEquals: ["ItemRejected"], ResultPath: "$.error", Next: "Handled" }],
            Next: "Unreachable",
          },
          Unreachable: { Type: "Fail", Error: "Nope" },
          Handled: { Type: "Pass", End: true },
        },
      },
      { items: [1, 2, 3] },
    );
    expect(out.status).toBe("SUCCEEDED");
    expect(out.parsed).toEqual({
      items: [1, 2, 3],
      error: { Error: "ItemRejected", Cause: "two" },
    });
  });

  it("fails with States.ResultPathMatchFailure when a Catch ResultPath cannot be applied", async () => {
    const out = await runMachine(
      h.client,
      {
        StartAt: "F",
        States: {
          F: {
            Type: "Task",
            Resource: LAMBDA,
            Parameters: { FunctionName: "missing" },
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Done" }],
            End: true,
          },
          Done: { Type: "Succeed" },
        },
      },
      [1, 2],
    );
    expect(out.status).toBe("FAILED");
    expect(out.error).toBe("States.ResultPathMatchFailure");
  });
});
