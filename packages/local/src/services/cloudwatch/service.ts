// CloudWatch GetMetricData for the SQS metrics (namespace AWS/SQS, dimension
// QueueName), computed from the SQS engine's state when asked. The engine
// keeps no history: the period that holds the end of the requested window
// (or now, if earlier) gets one datapoint, the current value; earlier periods
// have none, as AWS answers for a metric without data. A metric we do not
// compute answers no datapoints, as AWS does for a metric that does not exist.
//
// The wire protocols (JSON 1.0 for the SDK, query for the AWS CLI) live in
// protocol.ts; this module takes and returns plain values.

/** A queue's state, as the SQS engine reports it. */
export interface QueueSnapshot {
  visible: number;
  inFlight: number;
  delayed: number;
  /** Epoch ms the oldest message in the queue (in flight or not) was sent; null when empty. */
  oldestSentAt: number | null;
}

export interface CloudWatchOptions {
  /** undefined: no such queue. */
  queue: (name: string) => QueueSnapshot | undefined;
  now?: () => number;
}

export interface MetricDataQuery {
  Id: string;
  Label?: string;
  ReturnData?: boolean;
  Expression?: string;
  MetricStat?: {
    Metric: {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: { Name: string; Value: string }[];
    };
    Period: number;
    Stat: string;
    Unit?: string;
  };
}

export interface GetMetricDataInput {
  MetricDataQueries: MetricDataQuery[];
  /** Epoch ms. */
  StartTime: number;
  /** Epoch ms. */
  EndTime: number;
  ScanBy?: string;
  MaxDatapoints?: number;
}

export interface MetricDataResult {
  Id: string;
  Label: string;
  /** Epoch ms. */
  Timestamps: number[];
  Values: number[];
  StatusCode: "Complete";
}

export class CloudWatchError extends Error {
  constructor(
    /** The JSON protocol's error name. */
    readonly code: string,
    /** The query protocol's code (awsQueryCompatible). */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const invalid = (message: string) =>
  new CloudWatchError("InvalidParameterValueException", "InvalidParameterValue", message);

const SQS_METRICS: Record<string, (q: QueueSnapshot, now: number) => number> = {
  ApproximateAgeOfOldestMessage: (q, now) =>
    q.oldestSentAt === null ? 0 : Math.max(0, Math.floor((now - q.oldestSentAt) / 1000)),
  ApproximateNumberOfMessagesVisible: (q) => q.visible,
  ApproximateNumberOfMessagesNotVisible: (q) => q.inFlight,
  ApproximateNumberOfMessagesDelayed: (q) => q.delayed,
};

/** Statistics of one sample: every one is the sample itself, but its count. */
const STATS = new Set(["Maximum", "Minimum", "Average", "Sum", "SampleCount"]);
const ID = /^[a-z][a-zA-Z0-9_]*$/;

export function createCloudWatch(options: CloudWatchOptions) {
  const now = options.now ?? Date.now;

  function getMetricData(input: GetMetricDataInput): {
    MetricDataResults: MetricDataResult[];
    Messages: never[];
  } {
    const queries = input.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > 500)
      throw invalid("MetricDataQueries must hold 1 to 500 queries");
    if (!Number.isFinite(input.StartTime) || !Number.isFinite(input.EndTime))
      throw new CloudWatchError(
        "MissingRequiredParameterException",
        "MissingParameter",
        "StartTime and EndTime are required",
      );
    if (input.StartTime >= input.EndTime)
      throw invalid("The parameter StartTime must be less than the parameter EndTime.");
    const ids = new Set<string>();
    for (const q of queries) {
      if (!ID.test(q.Id ?? ""))
        throw invalid(
          `The value ${q.Id} for parameter MetricDataQueries.member.Id is invalid: it starts with a lower-case letter and holds letters, digits and _`,
        );
      if (ids.has(q.Id)) throw invalid(`The value ${q.Id} for Id is not unique.`);
      ids.add(q.Id);
      if (q.Expression !== undefined)
        throw invalid(
          `Metric math (query ${q.Id}) is not supported by the local cloud; ask for MetricStat`,
        );
      if (!q.MetricStat) throw invalid(`Query ${q.Id} needs MetricStat`);
      const { Period, Stat } = q.MetricStat;
      if (!Number.isInteger(Period) || Period < 1 || (Period >= 60 ? Period % 60 : 60 % Period))
        throw invalid(`The parameter Period (${Period}) must be 1, 5, 10, 30 or a multiple of 60.`);
      if (!STATS.has(Stat))
        throw invalid(
          `Stat ${Stat} is not supported by the local cloud (${[...STATS].join(", ")})`,
        );
    }

    const at = now();
    const results = queries
      .filter((q) => q.ReturnData !== false)
      .map((q): MetricDataResult => {
        const stat = q.MetricStat!;
        const label = q.Label ?? stat.Metric.MetricName ?? q.Id;
        const empty: MetricDataResult = {
          Id: q.Id,
          Label: label,
          Timestamps: [],
          Values: [],
          StatusCode: "Complete",
        };
        const compute = SQS_METRICS[stat.Metric.MetricName ?? ""];
        const queueName = stat.Metric.Dimensions?.find((d) => d.Name === "QueueName")?.Value;
        if (
          stat.Metric.Namespace !== "AWS/SQS" ||
          !compute ||
          !queueName ||
          (stat.Metric.Dimensions?.length ?? 0) !== 1
        )
          return empty;
        const queue = options.queue(queueName);
        if (!queue) return empty;
        // The period holding the window's end (exclusive), or now when that is earlier.
        const periodMs = stat.Period * 1000;
        const sampleAt = Math.min(at, input.EndTime - 1);
        const periodStart = Math.floor(sampleAt / periodMs) * periodMs;
        if (sampleAt < input.StartTime || at < input.StartTime) return empty;
        // Our only sample is "now": a window that ended before it has no data.
        if (input.EndTime < at - periodMs) return empty;
        const value = compute(queue, at);
        return {
          ...empty,
          Timestamps: [Math.max(periodStart, Math.floor(input.StartTime / 1000) * 1000)],
          Values: [stat.Stat === "SampleCount" ? 1 : value],
        };
      });
    return { MetricDataResults: results, Messages: [] };
  }

  return { getMetricData };
}

export type CloudWatch = ReturnType<typeof createCloudWatch>;
