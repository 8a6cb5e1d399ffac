// CloudWatch GetMetricData on the local AWS endpoint, computed from fauxqs'
// state: over the SDK's protocol (AWS JSON 1.0 with query-compatible errors,
// @aws-sdk/client-cloudwatch 3.1164), the AWS CLI's (query protocol, XML), and
// Smithy RPC v2 CBOR (newer botocore), driven by the SDK's own CBOR protocol.
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsCli, awsCli } from "../../../test/aws-cli";
import { startTestEndpoint, type TestEndpoint } from "../../../test/aws-endpoint";

let aws: TestEndpoint;
let cloudWatch: CloudWatchClient;
let sqs: SQSClient;
let cli: AwsCli;
let sentAt: number;

const ageQuery = (queue: string, id = "age"): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: queue }],
    },
    Period: 60,
    Stat: "Maximum",
  },
});

beforeAll(async () => {
  aws = await startTestEndpoint({ functionNames: [] });
  cloudWatch = new CloudWatchClient({ ...aws.client, maxAttempts: 1 });
  sqs = new SQSClient(aws.client);
  cli = awsCli(() => aws.url);
  for (const name of ["Waiting", "Idle"])
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = `${aws.url}/000000000000/Waiting`;
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "first" }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "second" }));
  // The oldest message's send time, as SQS reports it (a peek: visibility 0).
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ["SentTimestamp"],
    }),
  );
  sentAt = Math.min(...Messages.map((m) => Number(m.Attributes!.SentTimestamp)));
});

afterAll(async () => {
  cloudWatch?.destroy();
  sqs?.destroy();
  cli?.close();
  await aws?.close();
});

describe("GetMetricData (SDK, JSON 1.0)", () => {
  it("answers the oldest message's age and the queue's counts, one datapoint each", async () => {
    const before = Date.now();
    const out = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(before - 15 * 60_000),
        EndTime: new Date(before),
        MetricDataQueries: [
          ageQuery("Waiting"),
          ageQuery("Idle", "idle"),
          {
            ...ageQuery("Waiting", "visible"),
            MetricStat: {
              ...ageQuery("Waiting").MetricStat!,
              Metric: {
                ...ageQuery("Waiting").MetricStat!.Metric,
                MetricName: "ApproximateNumberOfMessagesVisible",
              },
            },
          },
        ],
      }),
    );
    const after = Date.now();
    const [age, idle, visible] = out.MetricDataResults!;
    expect(age!.StatusCode).toBe("Complete");
    expect(age!.Values![0]).toBeGreaterThanOrEqual(Math.floor((before - sentAt) / 1000));
    expect(age!.Values![0]).toBeLessThanOrEqual(Math.floor((after - sentAt) / 1000));
    // The datapoint's timestamp is its minute's start, inside the window.
    expect(age!.Timestamps![0]!.getTime() % 60_000).toBe(0);
    expect(age!.Timestamps![0]!.getTime()).toBeGreaterThan(before - 15 * 60_000);
    expect(idle!.Values).toEqual([0]);
    expect(visible).toMatchObject({ Id: "visible", Values: [2] });
  });

  it("refuses an invalid period with AWS's error", async () => {
    await expect(
      cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 60_000),
          EndTime: new Date(),
          MetricDataQueries: [
            {
              ...ageQuery("Waiting"),
              MetricStat: { ...ageQuery("Waiting").MetricStat!, Period: 45 },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: "InvalidParameterValueException",
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe("GetMetricData (SDK, Smithy RPC v2 CBOR)", () => {
  // The client's own dependency: the SDK's CBOR protocol, not ours.
  const { AwsSmithyRpcV2CborProtocol } = createRequire(
    join(import.meta.dirname, "../../../node_modules/@aws-sdk/client-cloudwatch/package.json"),
  )("@aws-sdk/core/protocols") as {
    AwsSmithyRpcV2CborProtocol: new (settings: Record<string, unknown>) => unknown;
  };
  const cbor = () =>
    new CloudWatchClient({
      ...aws.client,
      maxAttempts: 1,
      protocol: new AwsSmithyRpcV2CborProtocol({
        defaultNamespace: "com.amazonaws.cloudwatch",
        awsQueryCompatible: true,
      }) as never,
    });

  it("answers the same datapoints, timestamps as CBOR tag 1", async () => {
    const client = cbor();
    const before = Date.now();
    const out = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(before - 15 * 60_000),
        EndTime: new Date(before),
        MetricDataQueries: [ageQuery("Waiting"), ageQuery("Idle", "idle")],
      }),
    );
    client.destroy();
    const [age, idle] = out.MetricDataResults!;
    expect(age!.Values![0]).toBeGreaterThanOrEqual(Math.floor((before - sentAt) / 1000));
    expect(age!.Timestamps![0]).toBeInstanceOf(Date);
    expect(age!.Timestamps![0]!.getTime() % 60_000).toBe(0);
    expect(idle).toMatchObject({ Id: "idle", Values: [0], StatusCode: "Complete" });
  });

  it("refuses an invalid request with AWS's error", async () => {
    const client = cbor();
    await expect(
      client.send(
        new GetMetricDataCommand({
          StartTime: new Date(),
          EndTime: new Date(Date.now() - 60_000),
          MetricDataQueries: [ageQuery("Waiting")],
        }),
      ),
    ).rejects.toMatchObject({
      name: "InvalidParameterValueException",
      $metadata: { httpStatusCode: 400 },
    });
    client.destroy();
  });
});

describe("aws cloudwatch (AWS CLI, query protocol)", { timeout: 60_000 }, () => {
  it("get-metric-data", async () => {
    const end = new Date(Date.now() + 1000);
    const out = await cli.json<{
      MetricDataResults: {
        Id: string;
        Label: string;
        Values: number[];
        Timestamps: string[];
        StatusCode: string;
      }[];
    }>(
      "cloudwatch",
      "get-metric-data",
      "--start-time",
      new Date(end.getTime() - 15 * 60_000).toISOString(),
      "--end-time",
      end.toISOString(),
      "--metric-data-queries",
      JSON.stringify([ageQuery("Waiting"), ageQuery("Idle", "idle")]),
    );
    expect(out.MetricDataResults.map((r) => [r.Id, r.Label, r.StatusCode])).toEqual([
      ["age", "ApproximateAgeOfOldestMessage", "Complete"],
      ["idle", "ApproximateAgeOfOldestMessage", "Complete"],
    ]);
    expect(out.MetricDataResults[0]!.Values[0]).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(out.MetricDataResults[0]!.Timestamps[0]!))).toBe(false);
    expect(out.MetricDataResults[1]!.Values).toEqual([0]);
  });

  it("an invalid request is the CLI's InvalidParameterValue", async () => {
    const now = new Date();
    const out = await cli.run(
      "cloudwatch",
      "get-metric-data",
      "--start-time",
      now.toISOString(),
      "--end-time",
      new Date(now.getTime() - 60_000).toISOString(),
      "--metric-data-queries",
      JSON.stringify([ageQuery("Waiting")]),
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/InvalidParameterValue/);
  });
});
