import { auth } from "@orders/core/topology";
import type { Context } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { Resource } from "sst";
import * as adminClients from "./admin/adapters/clients";
import { queueAgeFromCloudWatch } from "./admin/adapters/cloudwatch-metrics";
import { dynamoApprovals, dynamoOrders } from "./admin/adapters/dynamodb-orders";
import { eventBridgeEvents } from "./admin/adapters/eventbridge-events";
import { links } from "./admin/adapters/links";
import { cloudWatchLogs, lambdaLogGroups } from "./admin/adapters/logs";
import { sfnExecutions } from "./admin/adapters/sfn-executions";
import { sqsQueues } from "./admin/adapters/sqs-queues";
import { type AdminAppOptions, createAdminApp } from "./admin/app";
import type { AdminPorts } from "./admin/ports";
import { documents, eventBridge, stepFunctions } from "./lib/clients";
import { logger, startInvocation } from "./lib/observability";

// Lambda entry of the admin API (route `ANY /api/admin/{proxy+}`). The app is
// exported too, so tests and the local cloud can call `app.request()`.

const ordersDb = () => ({ doc: documents, ordersTable: links().OrdersTable.name });

export const ports: AdminPorts = {
  queues: sqsQueues({
    sqs: adminClients.sqs,
    eventBridge: eventBridge,
    queue: (name) => links()[name],
    busName: () => links().Bus.name,
    workQueueAge: queueAgeFromCloudWatch(adminClients.cloudWatch),
  }),
  executions: sfnExecutions({
    sfn: stepFunctions,
    stateMachineArn: () => links().FulfillmentSaga.arn,
  }),
  events: eventBridgeEvents({ eventBridge: eventBridge, bus: () => links().Bus }),
  orders: dynamoOrders(ordersDb),
  approvals: dynamoApprovals({ db: ordersDb }),
  logs: cloudWatchLogs({
    logs: adminClients.cloudWatchLogs,
    logGroups: lambdaLogGroups(
      adminClients.cloudWatchLogs,
      () => (Resource as unknown as { App: { name: string; stage: string } }).App,
    ),
  }),
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
