import { type CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";

/**
 * ApproximateAgeOfOldestMessage of a queue, the seed's first sign of a stuck
 * consumer (§10.3): its latest one-minute maximum over the last 15 minutes,
 * or null when CloudWatch has no datapoint. A failed call throws.
 */
export function queueAgeFromCloudWatch(cloudWatch: CloudWatchClient) {
  return async (_name: string, url: string): Promise<number | null> => {
    const queueName = url.split("/").pop()!;
    const end = new Date();
    const { MetricDataResults = [] } = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - 15 * 60_000),
        EndTime: end,
        MetricDataQueries: [
          {
            Id: "age",
            MetricStat: {
              Metric: {
                Namespace: "AWS/SQS",
                MetricName: "ApproximateAgeOfOldestMessage",
                Dimensions: [{ Name: "QueueName", Value: queueName }],
              },
              Period: 60,
              Stat: "Maximum",
            },
          },
        ],
      }),
    );
    // Newest first (ScanBy's default, TimestampDescending).
    return MetricDataResults[0]?.Values?.[0] ?? null;
  };
}
