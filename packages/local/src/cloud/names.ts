import {
  type FunctionName,
  functions,
  type LinkName,
  orderPolicy,
  queues,
  tables,
} from "@orders/core/topology";
import { ACCOUNT_ID, REGION } from "../config";

// Physical names and ARNs of the local resources — the topology's keys as they
// are — and what `Resource.<Name>` holds for each link (links.ts shapes).

export const busName = "Bus";
export const topicName = "NotificationsTopic";
export const sagaName = "FulfillmentSaga";

export const arns = {
  queue: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`,
  topic: (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${name}`,
  bus: (name: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`,
  stateMachine: (name: string) => `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${name}`,
  lambda: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`,
  role: (name: string) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
};

export interface LinkContext {
  awsUrl: string;
  webUrl: string;
  paymentProviderUrl: string;
  notificationProviderUrl: string;
  auth: { issuer: string; clientId: string; operatorGroup: string };
}

export const queueUrl = (awsUrl: string, name: string) => `${awsUrl}/${ACCOUNT_ID}/${name}`;

/** `Resource.<link>` value for one link name. */
export function linkValue(link: LinkName, ctx: LinkContext): unknown {
  if (link in tables) return { name: link };
  if (link in queues) return { url: queueUrl(ctx.awsUrl, link), arn: arns.queue(link) };
  switch (link) {
    case "Bus":
      return { name: busName, arn: arns.bus(busName) };
    case "NotificationsTopic":
      return { arn: arns.topic(topicName) };
    case "FulfillmentSaga":
      return { arn: arns.stateMachine(sagaName), name: sagaName };
    case "SagaCallbacks":
      return { arn: arns.stateMachine(sagaName) };
    case "PaymentProvider":
      return { url: ctx.paymentProviderUrl };
    case "NotificationProvider":
      return { url: ctx.notificationProviderUrl };
    case "OrderPolicy":
      return {
        approvalThresholdCents: orderPolicy.approvalThresholdCents,
        maxLinesPerOrder: orderPolicy.maxLinesPerOrder,
        maxQuantityPerLine: orderPolicy.maxQuantityPerLine,
      };
    case "Auth":
      return ctx.auth;
  }
  throw new Error(`no local value for link ${link}`);
}

/** A function's env as SST injects it (exactly its links), plus the local endpoint. */
export function functionEnv(
  name: FunctionName,
  ctx: LinkContext,
  extra: Record<string, string> = {},
) {
  const spec = functions[name];
  return {
    SST_RESOURCE_App: JSON.stringify({ name: "orders", stage: "local" }),
    ...Object.fromEntries(
      spec.links.map((l) => [`SST_RESOURCE_${l}`, JSON.stringify(linkValue(l, ctx))]),
    ),
    AWS_ENDPOINT_URL: ctx.awsUrl,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: "1",
    POWERTOOLS_SERVICE_NAME: name,
    POWERTOOLS_METRICS_NAMESPACE: "OrderPipeline",
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "INFO",
    // No X-Ray daemon locally; metrics still print as EMF lines in the logs.
    POWERTOOLS_TRACE_ENABLED: "false",
    // With tracing off, the X-Ray SDK (loaded by Powertools Tracer) would still
    // start its automatic mode: an async hook on every promise of the handler,
    // for a context nothing reads. Manual mode skips that hook.
    AWS_XRAY_MANUAL_MODE: "1",
    ...extra,
  };
}
