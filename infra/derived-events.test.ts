import { beforeAll, describe, expect, it } from "vitest";
import { pipeRoleStatements, pipes } from "../packages/core/src/topology";
import { Graph, roleStatements, synthesize } from "../scripts/synth/graph";

// The graph under both derivedEvents settings (ORDERS_DERIVED_EVENTS, read by
// the topology at synth time): the StreamPublisher's mapping or the orders
// pipe, never both, and the pipe's role holds exactly what the pipe does.

let byFunction: Graph;
let byPipe: Graph;

beforeAll(() => {
  byFunction = new Graph(synthesize());
  process.env.ORDERS_DERIVED_EVENTS = "pipe";
  try {
    byPipe = new Graph(synthesize());
  } finally {
    delete process.env.ORDERS_DERIVED_EVENTS;
  }
}, 240_000);

const PIPE = "aws:pipes/pipe:Pipe";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const arns = (graph: Graph) => ({
  stream: graph.child("OrdersTable", "aws:dynamodb/table:Table").outputs.streamArn as string,
  enrichment: graph.lambda("PipeEnrichment").fn.outputs.arn as string,
  target: graph.child("Bus", "aws:cloudwatch/eventBus:EventBus").outputs.arn as string,
  deadLetter: graph.child("StreamFailures", "aws:sqs/queue:Queue").outputs.arn as string,
});
const mappingsOf = (graph: Graph, fn: string) =>
  graph.ofType(MAPPING).filter((m) => m.inputs.functionName === graph.lambda(fn).fn.outputs.arn);
const readsStream = (graph: Graph, fn: string) =>
  graph
    .lambda(fn)
    .statements.some((s) => [s.Action].flat().some((a) => String(a).startsWith("dynamodb:")));

describe("derived events through the function (the default)", () => {
  it("maps the orders stream to StreamPublisher and deploys no pipe", () => {
    expect(byFunction.ofType(PIPE)).toEqual([]);
    expect(mappingsOf(byFunction, "StreamPublisher")).toHaveLength(1);
    expect(readsStream(byFunction, "StreamPublisher")).toBe(true);
  });
});

describe("derived events through the pipe", () => {
  it("deploys the orders pipe from the topology instead of StreamPublisher's mapping", () => {
    const [pipe, ...others] = byPipe.ofType(PIPE);
    expect(others).toEqual([]);
    const a = arns(byPipe);
    const spec = pipes.OrdersPipe;
    expect(pipe!.inputs).toMatchObject({
      desiredState: "RUNNING",
      roleArn: byPipe.named("OrdersPipeRole").outputs.arn,
      source: a.stream,
      enrichment: a.enrichment,
      target: a.target,
      sourceParameters: {
        dynamodbStreamParameters: {
          startingPosition: spec.startingPosition,
          batchSize: spec.batchSize,
          maximumRetryAttempts: spec.maximumRetryAttempts,
          onPartialBatchItemFailure: "AUTOMATIC_BISECT",
          deadLetterConfig: { arn: a.deadLetter },
        },
      },
      targetParameters: {
        inputTemplate: "<$.detail>",
        eventbridgeEventBusParameters: {
          detailType: "$.detailType",
          source: "$.source",
          time: "$.time",
        },
      },
    });
    expect(
      pipe!.inputs.sourceParameters.filterCriteria.filters.map((f: { pattern: string }) =>
        JSON.parse(f.pattern),
      ),
    ).toEqual(spec.filters);
    // Its stream's two readers: the pipe and ApprovalCallbacks, no StreamPublisher.
    expect(mappingsOf(byPipe, "StreamPublisher")).toEqual([]);
    expect(readsStream(byPipe, "StreamPublisher")).toBe(false);
    expect(mappingsOf(byPipe, "ApprovalCallbacks")).toHaveLength(1);
  });

  it("gives the pipe a role only Pipes may assume, allowed exactly what the pipe does", () => {
    for (const graph of [byFunction, byPipe]) {
      const role = graph.named("OrdersPipeRole");
      expect(role.inputs.assumeRolePolicy.Statement).toEqual([
        expect.objectContaining({
          Action: "sts:AssumeRole",
          Principal: { Service: "pipes.amazonaws.com" },
        }),
      ]);
      expect(roleStatements(role)).toEqual(pipeRoleStatements(arns(graph)));
    }
    // The enrichment calls no AWS API: its role holds X-Ray's grant only.
    expect(
      byPipe
        .lambda("PipeEnrichment")
        .statements.flatMap((s) => [s.Action].flat())
        .every((a) => String(a).startsWith("xray:")),
    ).toBe(true);
  });
});

describe("alarms follow the setting", () => {
  const alarmsOf = (graph: Graph) => graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
  const named = (graph: Graph, suffix: string) =>
    alarmsOf(graph).filter((a) => String(a.inputs.name).endsWith(suffix));

  it("watch the publisher's iterator age, or the pipe's failed executions", () => {
    expect(named(byFunction, "-OrdersStream-iterator-age")).toHaveLength(1);
    expect(named(byFunction, "-OrdersPipe-execution-failed")).toEqual([]);

    expect(named(byPipe, "-OrdersStream-iterator-age")).toEqual([]);
    const [failed] = named(byPipe, "-OrdersPipe-execution-failed");
    expect(failed?.inputs).toMatchObject({
      namespace: "AWS/EventBridge/Pipes",
      metricName: "ExecutionFailed",
      dimensions: { PipeName: byPipe.ofType(PIPE)[0]!.inputs.name },
    });
  });
});
