import { describe, expect, it } from "vitest";
import { decodeQuery } from "./protocol";
import { createCloudWatch, type GetMetricDataInput, type QueueSnapshot } from "./service";

// GetMetricData's semantics over a queue snapshot, at a fixed clock: which
// period gets the one datapoint, each SQS metric and statistic, and what is
// refused. The wire protocols are exercised in cloudwatch.integration.test.ts.

const NOW = Date.parse("2026-12-06T03:14:42.500Z");
const queues: Record<string, QueueSnapshot> = {
  Busy: { visible: 3, inFlight: 2, delayed: 1, oldestSentAt: NOW - 95_400 },
  Empty: { visible: 0, inFlight: 0, delayed: 0, oldestSentAt: null },
};
const cloudWatch = createCloudWatch({ queue: (name) => queues[name], now: () => NOW });

const query = (
  metric: string,
  queue = "Busy",
  stat = "Maximum",
  period = 60,
  extra: Partial<GetMetricDataInput["MetricDataQueries"][number]> = {},
) => ({
  Id: "q",
  MetricStat: {
    Metric: {
      Namespace: "AWS/SQS",
      MetricName: metric,
      Dimensions: [{ Name: "QueueName", Value: queue }],
    },
    Period: period,
    Stat: stat,
  },
  ...extra,
});

const ask = (q: ReturnType<typeof query>, start = NOW - 15 * 60_000, end = NOW) =>
  cloudWatch.getMetricData({ MetricDataQueries: [q], StartTime: start, EndTime: end })
    .MetricDataResults[0]!;

describe("GetMetricData over the SQS engine's state", () => {
  it.each([
    ["ApproximateAgeOfOldestMessage", "Busy", 95],
    ["ApproximateAgeOfOldestMessage", "Empty", 0],
    ["ApproximateNumberOfMessagesVisible", "Busy", 3],
    ["ApproximateNumberOfMessagesNotVisible", "Busy", 2],
    ["ApproximateNumberOfMessagesDelayed", "Busy", 1],
  ])(
    "%s of %s is %d, stamped at the start of the period that holds now",
    (metric, queue, value) => {
      expect(ask(query(metric, queue))).toEqual({
        Id: "q",
        Label: metric,
        Timestamps: [Date.parse("2026-12-06T03:14:00.000Z")],
        Values: [value],
        StatusCode: "Complete",
      });
    },
  );

  it.each([
    ["Minimum", 95],
    ["Average", 95],
    ["Sum", 95],
    ["SampleCount", 1],
  ])("one sample: %s is %d", (stat, value) => {
    expect(ask(query("ApproximateAgeOfOldestMessage", "Busy", stat)).Values).toEqual([value]);
  });

  it("a five-minute period stamps the datapoint at its own start", () => {
    expect(ask(query("ApproximateAgeOfOldestMessage", "Busy", "Maximum", 300)).Timestamps).toEqual([
      Date.parse("2026-12-06T03:10:00.000Z"),
    ]);
  });

  it.each([
    ["a queue that does not exist", query("ApproximateAgeOfOldestMessage", "Nope")],
    ["a metric we do not compute", query("NumberOfMessagesSent")],
    [
      "another namespace",
      {
        ...query("CPUUtilization"),
        MetricStat: {
          ...query("x").MetricStat,
          Metric: { Namespace: "AWS/EC2", MetricName: "CPUUtilization" },
        },
      },
    ],
  ])("%s has no datapoints, as AWS answers for a metric without data", (_, q) => {
    expect(ask(q)).toMatchObject({ Timestamps: [], Values: [], StatusCode: "Complete" });
  });

  it("a window that ended before now has no datapoints: the engine keeps no history", () => {
    expect(
      ask(query("ApproximateAgeOfOldestMessage"), NOW - 3_600_000, NOW - 1_800_000).Values,
    ).toEqual([]);
  });

  it("ReturnData false leaves a query out", () => {
    const out = cloudWatch.getMetricData({
      MetricDataQueries: [
        query("ApproximateAgeOfOldestMessage"),
        { ...query("ApproximateNumberOfMessagesVisible"), Id: "hidden", ReturnData: false },
      ],
      StartTime: NOW - 60_000,
      EndTime: NOW,
    });
    expect(out.MetricDataResults.map((r) => r.Id)).toEqual(["q"]);
  });

  it.each([
    ["no queries", [], /1 to 500/],
    ["an Id in capitals", [{ ...query("x"), Id: "Age" }], /Id is invalid|is invalid/],
    ["two queries with one Id", [query("x"), query("y")], /not unique/],
    ["a period of 45 s", [query("x", "Busy", "Maximum", 45)], /Period/],
    ["a percentile", [query("x", "Busy", "p99")], /Stat p99/],
    ["metric math", [{ Id: "m", Expression: "SUM(METRICS())" }], /Metric math/],
  ])("refuses %s", (_, queries, message) => {
    expect(() =>
      cloudWatch.getMetricData({
        MetricDataQueries: queries as GetMetricDataInput["MetricDataQueries"],
        StartTime: NOW - 60_000,
        EndTime: NOW,
      }),
    ).toThrow(message);
  });

  it("refuses a window that ends before it starts", () => {
    expect(() =>
      cloudWatch.getMetricData({
        MetricDataQueries: [query("x")],
        StartTime: NOW,
        EndTime: NOW - 1,
      }),
    ).toThrow(/StartTime must be less than/);
  });
});

describe("query protocol decoding", () => {
  it("turns member lists into arrays and Period into a number", () => {
    expect(
      decodeQuery({
        Action: "GetMetricData",
        Version: "2010-08-01",
        "MetricDataQueries.member.1.Id": "age",
        "MetricDataQueries.member.1.MetricStat.Metric.Namespace": "AWS/SQS",
        "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name": "QueueName",
        "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value": "Busy",
        "MetricDataQueries.member.1.MetricStat.Period": "60",
        "MetricDataQueries.member.2.Id": "n",
        "MetricDataQueries.member.2.ReturnData": "false",
        StartTime: "2026-12-06T03:00:00Z",
      }),
    ).toEqual({
      MetricDataQueries: [
        {
          Id: "age",
          MetricStat: {
            Metric: { Namespace: "AWS/SQS", Dimensions: [{ Name: "QueueName", Value: "Busy" }] },
            Period: 60,
          },
        },
        { Id: "n", ReturnData: false },
      ],
      StartTime: "2026-12-06T03:00:00Z",
    });
  });
});
