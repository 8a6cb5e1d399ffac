// Features of AWS Step Functions the local runtime does not implement are refused by
// CreateStateMachine (and UpdateStateMachine) as InvalidDefinition naming the feature, instead
// of an execution that silently ignores them.
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMachine,
  fakeIntegrations,
  type Harness,
  ROLE,
  runMachine,
  startHarness,
} from "../../../test/stepfunctions/test-harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness(fakeIntegrations({ echo: (p) => p }).integrations);
});
afterAll(() => h.stop());

const pass = { Type: "Pass", End: true };
const task = (Resource: string, extra: object = {}) => ({
  StartAt: "T",
  States: { T: { Type: "Task", Resource, Parameters: {}, End: true, ...extra } },
});
const inlineMap = (map: object, processor: object = {}) => ({
  StartAt: "M",
  States: {
    M: {
      Type: "Map",
      ItemProcessor: { StartAt: "P", States: { P: pass }, ...processor },
      End: true,
      ...map,
    },
  },
});

const cases: Array<[string, object, RegExp]> = [
  [
    "JSONata as the machine's query language",
    { QueryLanguage: "JSONata", StartAt: "P", States: { P: pass } },
    /JSONata.*not supported.* at \/QueryLanguage/,
  ],
  [
    "JSONata on one state",
    {
      StartAt: "P",
      States: { P: { Type: "Pass", QueryLanguage: "JSONata", Output: "{% 1 %}", End: true } },
    },
    /JSONata.*not supported.* at \/States\/P\/QueryLanguage/,
  ],
  [
    "JSONata's Arguments field",
    task("arn:aws:states:::lambda:invoke", { Parameters: undefined, Arguments: {} }),
    /JSONata \(the Arguments field\).*not supported/,
  ],
  [
    "a JSONata Choice Condition",
    {
      StartAt: "C",
      States: { C: { Type: "Choice", Choices: [{ Condition: "{% true %}", Next: "P" }] }, P: pass },
    },
    /JSONata \(the Condition field\).*at \/States\/C\/Choices\/0\/Condition/,
  ],
  [
    "a Distributed Map",
    inlineMap({}, { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" } }),
    /Distributed Map.*DISTRIBUTED.*not supported/,
  ],
  [
    "a Map's ItemReader (Distributed Map only)",
    inlineMap({
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        Parameters: { Bucket: "b", Key: "k" },
      },
    }),
    /Distributed Map \(the ItemReader field\).*not supported/,
  ],
  [
    "a .sync integration",
    task("arn:aws:states:::ecs:runTask.sync"),
    /\.sync integration pattern.*ecs:runTask\.sync.*not supported.* at \/States\/T\/Resource/,
  ],
  [
    "a .sync:2 integration nested in a Parallel branch",
    {
      StartAt: "Par",
      States: {
        Par: {
          Type: "Parallel",
          Branches: [
            task("arn:aws:states:::states:startExecution.sync:2", {
              Parameters: {
                StateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:x",
              },
            }),
          ],
          End: true,
        },
      },
    },
    /\.sync integration pattern.*not supported.* at \/States\/Par\/Branches\/0\/States\/T\/Resource/,
  ],
  [
    "an activity",
    task("arn:aws:states:us-east-1:000000000000:activity:approve", { Parameters: undefined }),
    /activity resource.*not supported/,
  ],
  [
    "variables (Assign)",
    {
      StartAt: "P",
      States: { P: { Type: "Pass", Assign: { x: 1 }, Next: "Q" }, Q: pass },
    },
    /Variables \(the Assign field\).*not supported.* at \/States\/P\/Assign/,
  ],
];

describe("unsupported features", () => {
  it.each(cases)(
    "rejects %s as InvalidDefinition naming it",
    async (_what, definition, message) => {
      const name = `unsupported-${cases.findIndex((c) => c[1] === definition)}`;
      const error = await h.client
        .send(
          new CreateStateMachineCommand({
            name,
            definition: JSON.stringify(definition),
            roleArn: ROLE,
          }),
        )
        .then(
          () => undefined,
          (err: Error) => err,
        );
      expect(error?.name).toBe("InvalidDefinition");
      expect(error?.message).toMatch(/^Invalid State Machine Definition: 'UNSUPPORTED_FEATURE: /);
      expect(error?.message).toMatch(message);
      const listed = await h.client.send(new ListStateMachinesCommand({}));
      expect(listed.stateMachines?.map((m) => m.name)).not.toContain(name);
    },
  );

  it("refuses them in UpdateStateMachine too, keeping the old definition", async () => {
    const original = { StartAt: "P", States: { P: pass } };
    const arn = await createMachine(h.client, original);
    await expect(
      h.client.send(
        new UpdateStateMachineCommand({
          stateMachineArn: arn,
          definition: JSON.stringify(task("arn:aws:states:::glue:startJobRun.sync")),
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidDefinition" });
    const d = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(d.definition as string)).toEqual(original);
  });

  it("still accepts the supported look-alikes: JSONPath, an INLINE Map, waitForTaskToken", async () => {
    const out = await runMachine(
      h.client,
      {
        QueryLanguage: "JSONPath",
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemsPath: "$.items",
            ItemProcessor: {
              ProcessorConfig: { Mode: "INLINE" },
              StartAt: "Echo",
              States: {
                Echo: {
                  Type: "Task",
                  QueryLanguage: "JSONPath",
                  Resource: "arn:aws:states:::lambda:invoke",
                  Parameters: { FunctionName: "echo", "Payload.$": "$" },
                  OutputPath: "$.Payload",
                  End: true,
                },
              },
            },
            End: true,
          },
        },
      },
      { items: [1, 2] },
    );
    expect(out.status).toBe("SUCCEEDED");
    expect(out.parsed).toEqual([1, 2]);
    await createMachine(
      h.client,
      task("arn:aws:states:::sqs:sendMessage.waitForTaskToken", {
        Parameters: { QueueUrl: "q", MessageBody: { "t.$": "$$.Task.Token" } },
      }),
    );
  });
});
