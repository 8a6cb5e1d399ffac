import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { requireOperator } from "./auth";
import { onError } from "./errors";
import type { AdminPorts } from "./ports";
import { approvalRoutes } from "./routes/approvals";
import { eventRoutes } from "./routes/events";
import { executionRoutes } from "./routes/executions";
import { orderRoutes } from "./routes/orders";
import { queueRoutes } from "./routes/queues";
import type { AdminEnv, SecurityLog } from "./types";

export interface AdminAppOptions {
  /** Resolved per request so a missing link fails the request, not the cold start. */
  operatorGroup: () => string;
  security: SecurityLog;
  logError: (error: unknown) => void;
}

/**
 * The admin API. Every route, the OpenAPI document included, needs a verified
 * token whose groups include the operator group; a refused call is logged as a
 * security event and reaches no port, so it can write nothing.
 */
export function createAdminApp(ports: AdminPorts, options: AdminAppOptions) {
  const app = new OpenAPIHono<AdminEnv>().basePath("/api/admin");
  // Operator data is per caller and changes by the second: CloudFront (which
  // keys on Authorization) must never keep a copy, not even of an error.
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
  });
  app.use(requestId({ headerName: "x-correlation-id" }));
  app.use(requireOperator(options.operatorGroup, options.security));
  app.onError(onError(options.logError));
  app.notFound((c) =>
    c.json({ code: "NOT_FOUND", message: `No route ${c.req.method} ${c.req.path}` }, 404),
  );

  app.route("/queues", queueRoutes(ports, options.security));
  app.route("/executions", executionRoutes(ports, options.security));
  app.route("/events", eventRoutes(ports, options.security));
  app.route("/orders", orderRoutes(ports));
  app.route("/approvals", approvalRoutes(ports, options.security));

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Orders admin API",
      version: "1.0.0",
      description: `Operator API behind the ops console. Every route needs a JWT whose cognito:groups include the operator group.`,
    },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  return app;
}
