import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";

// One Logger, Tracer and Metrics for every function (Powertools singletons).
// Every log line carries `correlation_id` (seed §10.1): handlers call
// `startInvocation` with the request's id; batch handlers log per record
// through `recordLogger`, so parallel records never swap ids.

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "orders" });
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "orders" });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "OrderPipeline",
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "orders",
});

export const metricNames = {
  OrdersAccepted: "OrdersAccepted",
  OrdersFulfilled: "OrdersFulfilled",
  OrdersCancelled: "OrdersCancelled",
  ApprovalsRequested: "ApprovalsRequested",
  ApprovalsDecided: "ApprovalsDecided",
  ApprovalsDelivered: "ApprovalsDelivered",
  ApprovalsExpired: "ApprovalsExpired",
  DlqArrivals: "DlqArrivals",
  PaymentsAuthorised: "PaymentsAuthorised",
  PaymentsDeclined: "PaymentsDeclined",
  EventsPublished: "EventsPublished",
  NotificationsSent: "NotificationsSent",
} as const;

export const count = (name: keyof typeof metricNames, value = 1) =>
  metrics.addMetric(metricNames[name], MetricUnit.Count, value);

/** Start an invocation: fresh keys, Lambda context, the correlation id. */
export function startInvocation(context: Context | undefined, correlationId: string | undefined) {
  logger.resetKeys();
  if (context) logger.addContext(context);
  logger.appendKeys({ correlation_id: correlationId ?? "none" });
}

export const recordLogger = (correlationId: string, keys: Record<string, unknown> = {}) => {
  const child = logger.createChild();
  child.appendKeys({ correlation_id: correlationId, ...keys });
  return child;
};

/** Run a handler body and always flush metrics (EMF on stdout). */
export async function instrumented<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
