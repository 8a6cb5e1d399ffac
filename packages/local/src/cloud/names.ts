import {
  type FunctionName,
  functions,
  type LinkName,
  orderPolicy,
  type QueueName,
  queues,
  tables,
} from "@orders/core/topology";
import { ACCOUNT_ID, REGION } from "../config";
import { deployment, type TableName } from "../graph";
import { keyForFunction } from "../iam";

// Physical names and ARNs of the local resources — the synthesized graph's,
// as a deployment would name them (graph/deployment.ts) — and what
// `Resource.<Name>` holds for each link (links.ts shapes).

/** ARNs from a physical name (the graph's, or a test's own resource). */
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

/** The local URL of a topology queue, under its physical name. */
export const queueUrl = (awsUrl: string, queue: QueueName) =>
  physicalQueueUrl(awsUrl, deployment().queues[queue].name);

/** The local URL of a queue by its physical name. */
export const physicalQueueUrl = (awsUrl: string, name: string) => `${awsUrl}/${ACCOUNT_ID}/${name}`;

/** `Resource.<link>` value for one link name. */
export function linkValue(link: LinkName, ctx: LinkContext): unknown {
  const d = deployment();
  if (link in tables) return { name: d.tables[link as TableName].name };
  if (link in queues)
    return { url: queueUrl(ctx.awsUrl, link as QueueName), arn: d.queues[link as QueueName].arn };
  switch (link) {
    case "Bus":
      return { name: d.bus.name, arn: d.bus.arn };
    case "NotificationsTopic":
      return { arn: d.topics.NotificationsTopic.arn };
    case "FulfillmentSaga":
      return { arn: d.stateMachine.arn, name: d.stateMachine.name };
    case "SagaCallbacks":
      return { arn: d.stateMachine.arn };
    // Function URLs with IAM auth, as deployed: callers sign with their own key.
    case "PaymentProvider":
      return { url: ctx.paymentProviderUrl, auth: "iam" };
    case "NotificationProvider":
      return { url: ctx.notificationProviderUrl, auth: "iam" };
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
    // The function's own key: the endpoint's IAM applies the function's role.
    AWS_ACCESS_KEY_ID: keyForFunction(name),
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
