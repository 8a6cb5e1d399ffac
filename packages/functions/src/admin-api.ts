import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { auth } from "@orders/core/topology";
import type { Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { Resource } from "sst";
import * as adminClients from "./admin/adapters/clients";
import { dynamoApprovals, dynamoOrders } from "./admin/adapters/dynamodb-orders";
import { eventBridgeEvents } from "./admin/adapters/eventbridge-events";
import { isLocalCloud, links } from "./admin/adapters/links";
import { cloudWatchLogs, localLogs } from "./admin/adapters/logs";
import { sfnExecutions } from "./admin/adapters/sfn-executions";
import { sqsQueues } from "./admin/adapters/sqs-queues";
import { type AdminAppOptions, createAdminApp } from "./admin/app";
import type { AdminPorts } from "./admin/ports";
import { documents, eventBridge, stepFunctions } from "./lib/clients";
import { logger, startInvocation } from "./lib/observability";

// Lambda entry of the admin API (route `ANY /api/admin/{proxy+}`). The app is
// exported too, so tests and the local cloud can call `app.request()`.

const ordersDb = () => ({ doc: documents, ordersTable: links().OrdersTable.name });

/** ApproximateAgeOfOldestMessage, the seed's first sign of a stuck consumer (§10.3). */
async function workQueueAge(_name: string, url: string): Promise<number | null> {
  if (isLocalCloud()) return null; // no CloudWatch locally; the console says "n/a"
  const queueName = url.split("/").pop()!;
  const end = new Date();
  const { MetricDataResults = [] } = await adminClients.cloudWatch.send(
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
  return MetricDataResults[0]?.Values?.[0] ?? null;
}

/** Every function of this app and stage logs to /aws/lambda/<app>-<stage>-… (SST's naming). */
async function appLogGroups(): Promise<string[]> {
  const app = (Resource as unknown as { App: { name: string; stage: string } }).App;
  const { logGroups = [] } = await adminClients.cloudWatchLogs.send(
    new DescribeLogGroupsCommand({
      logGroupNamePrefix: `/aws/lambda/${app.name}-${app.stage}-`,
      limit: 50,
    }),
  );
  return logGroups.map((g) => g.logGroupName!).filter(Boolean);
}

export const ports: AdminPorts = {
  queues: sqsQueues({
    sqs: adminClients.sqs,
    eventBridge: eventBridge,
    queue: (name) => links()[name],
    busName: () => links().Bus.name,
    workQueueAge,
  }),
  executions: sfnExecutions({
    sfn: stepFunctions,
    stateMachineArn: () => links().FulfillmentSaga.arn,
  }),
  events: eventBridgeEvents({ eventBridge: eventBridge, bus: () => links().Bus }),
  orders: dynamoOrders(ordersDb),
  approvals: dynamoApprovals({ db: ordersDb }),
  logs: isLocalCloud()
    ? localLogs(() => process.env.AWS_ENDPOINT_URL!)
    : cloudWatchLogs({ logs: adminClients.cloudWatchLogs, logGroups: appLogGroups }),
};

export const options: AdminAppOptions = {
  operatorGroup: () => {
    try {
      return links().Auth.operatorGroup;
    } catch {
      return auth.operatorGroup;
    }
  },
  security: {
    refused: (event) => logger.warn("admin API call refused", { security: true, ...event }),
    action: (event) => logger.info("operator action", { audit: true, ...event }),
  },
  logError: (error) => logger.error("admin API failure", error as Error),
};

export const app = createAdminApp(ports, options);

const lambda = handle(app);

/** Every log line of the invocation carries the caller's correlation id (or the request id). */
export const handler: typeof lambda = (event, context) => {
  const headers = (event as { headers?: Record<string, string | undefined> }).headers ?? {};
  const requestId = (event as { requestContext?: { requestId?: string } }).requestContext
    ?.requestId;
  startInvocation(context as Context | undefined, headers["x-correlation-id"] ?? requestId);
  return lambda(event, context);
};
