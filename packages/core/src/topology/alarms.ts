import {
  derivedEvents,
  functions,
  pipes,
  queues,
  rules,
  streamMappingInUse,
  streamMappings,
} from "./resources";

// CloudWatch alarms on the signals seed §10.3 says catch incidents early.
// Derived from the topology, so a new queue, function, rule or mapping gets
// its alarms without anyone remembering to add them.

export interface AlarmSpec {
  name: string;
  namespace: "AWS/SQS" | "AWS/Lambda" | "AWS/Events" | "AWS/States" | "AWS/EventBridge/Pipes";
  metric: string;
  statistic: "Maximum" | "Sum" | "Average";
  threshold: number;
  comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
  periodSeconds: number;
  evaluationPeriods: number;
  /** Which resource the alarm watches: a queue, function, rule, mapping or the saga. */
  subject:
    | { kind: "queue"; name: string }
    | { kind: "function"; name: string }
    | { kind: "rule"; name: string }
    | { kind: "mapping"; name: string }
    | { kind: "pipe"; name: string }
    | { kind: "saga" };
  description: string;
}

const alarm = (spec: Omit<AlarmSpec, "periodSeconds" | "evaluationPeriods"> & Partial<AlarmSpec>) =>
  ({ periodSeconds: 60, evaluationPeriods: 1, ...spec }) as AlarmSpec;

export function alarms(): AlarmSpec[] {
  const out: AlarmSpec[] = [];
  for (const [name, queue] of Object.entries(queues)) {
    const subject = { kind: "queue", name } as const;
    if (queue.kind === "dlq") {
      out.push(
        alarm({
          name: `${name}-depth`,
          namespace: "AWS/SQS",
          metric: "ApproximateNumberOfMessagesVisible",
          statistic: "Maximum",
          threshold: 0,
          comparison: "GreaterThanThreshold",
          subject,
          description: `Anything in ${name} is an incident (${queue.catches})`,
        }),
      );
      continue;
    }
    out.push(
      alarm({
        name: `${name}-oldest-message-age`,
        namespace: "AWS/SQS",
        metric: "ApproximateAgeOfOldestMessage",
        statistic: "Maximum",
        threshold: queue.visibilityTimeoutSeconds * 2,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 3,
        subject,
        description: `${name}'s consumer is stuck: its oldest message waits too long`,
      }),
      alarm({
        name: `${name}-backlog`,
        namespace: "AWS/SQS",
        metric: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        threshold: 1000,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 5,
        subject,
        description: `${name} is backing up`,
      }),
    );
  }
  for (const [name, fn] of Object.entries(functions)) {
    const subject = { kind: "function", name } as const;
    out.push(
      alarm({
        name: `${name}-errors`,
        namespace: "AWS/Lambda",
        metric: "Errors",
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 2,
        subject,
        description: `${name} is failing`,
      }),
      alarm({
        name: `${name}-throttles`,
        namespace: "AWS/Lambda",
        metric: "Throttles",
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        subject,
        description: `${name} is throttled`,
      }),
      alarm({
        name: `${name}-duration`,
        namespace: "AWS/Lambda",
        metric: "Duration",
        statistic: "Maximum",
        threshold: fn.timeoutSeconds * 1000 * 0.8,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 3,
        subject,
        description: `${name} runs close to its ${fn.timeoutSeconds}s timeout`,
      }),
    );
  }
  for (const name of Object.keys(rules)) {
    out.push(
      alarm({
        name: `${name}-failed-invocations`,
        namespace: "AWS/Events",
        metric: "FailedInvocations",
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        subject: { kind: "rule", name },
        description: `EventBridge cannot deliver ${name}'s events`,
      }),
    );
  }
  for (const [name, mapping] of Object.entries(streamMappings)) {
    if (!streamMappingInUse(name)) continue;
    out.push(
      alarm({
        name: `${name}-iterator-age`,
        namespace: "AWS/Lambda",
        metric: "IteratorAge",
        statistic: "Maximum",
        threshold: 60_000,
        comparison: "GreaterThanThreshold",
        evaluationPeriods: 3,
        subject: { kind: "mapping", name },
        description: `${mapping.function} is falling behind the ${mapping.table} stream`,
      }),
    );
  }
  // A pipe's failed executions (its enrichment or target failing, retried
  // until the batch goes to its dead-letter queue): what IteratorAge and the
  // publisher's errors tell for the mapping
  // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-monitoring.html).
  if (derivedEvents.via === "pipe")
    for (const name of Object.keys(pipes))
      out.push(
        alarm({
          name: `${name}-execution-failed`,
          namespace: "AWS/EventBridge/Pipes",
          metric: "ExecutionFailed",
          statistic: "Sum",
          threshold: 0,
          comparison: "GreaterThanThreshold",
          subject: { kind: "pipe", name },
          description: `${name} fails to deliver the orders stream's events to the bus`,
        }),
      );
  for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionThrottled"]) {
    out.push(
      alarm({
        name: `FulfillmentSaga-${metric}`,
        namespace: "AWS/States",
        metric,
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        subject: { kind: "saga" },
        description: `Fulfilment saga: ${metric}`,
      }),
    );
  }
  return out;
}
