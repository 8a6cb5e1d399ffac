import {
  api as apiSpec,
  type FunctionName,
  functions,
  type RouteSpec,
  webConsole,
} from "../packages/core/src/topology";
import { authLink, client, devOrigins, issuer } from "./auth";
import { bus } from "./bus";
import { policy } from "./config";
import { defineFunction, type LinkTargets } from "./functions";
import { queues } from "./queues";
import { router } from "./router";
import { saga } from "./saga";
import { tables } from "./storage";

// The public order API and the admin API: one HTTP API, a JWT authorizer on
// the Cognito pool, every route from the topology with its scopes, and
// per-route throttling on the stage. CloudFront serves it under `/api`.

const targets: LinkTargets = {
  ...tables,
  ...queues,
  Bus: bus,
  FulfillmentSaga: saga,
  OrderPolicy: policy,
  Auth: authLink,
};

// The functions behind the routes; which route each serves is the topology's (`api.routes`).
export const ingress = defineFunction("Ingress", targets);
export const orderStatus = defineFunction("OrderStatus", targets);
export const catalog = defineFunction("Catalog", targets);
export const adminApi = defineFunction("AdminApi", targets);

export const handlers: Partial<Record<FunctionName, sst.aws.Function>> = {
  Ingress: ingress,
  OrderStatus: orderStatus,
  Catalog: catalog,
  AdminApi: adminApi,
};

const routeKeys = Object.keys(apiSpec.routes) as (keyof typeof apiSpec.routes)[];

// Route settings name routes by key, and API Gateway rejects a stage naming a
// route that does not exist yet: the stage waits for the routes, which are
// only created below.
let routesCreated!: (routes: $util.Input<$util.Resource>[]) => void;
const routesReady = new Promise<$util.Input<$util.Resource>[]>((resolve) => {
  routesCreated = resolve;
});

export const httpApi = new sst.aws.ApiGatewayV2("Api", {
  cors: {
    // The console's own origin (and Vite's on `sst dev` stages), never `*`.
    allowOrigins: [router.url, ...devOrigins],
    allowHeaders: [...apiSpec.cors.allowHeaders],
    exposeHeaders: [...apiSpec.cors.exposeHeaders],
    allowMethods: [...apiSpec.cors.allowMethods],
    maxAge: `${apiSpec.cors.maxAgeSeconds} seconds`,
  },
  accessLog: { retention: "1 month" },
  transform: {
    stage: (args, opts) => {
      args.defaultRouteSettings = {
        throttlingRateLimit: apiSpec.defaultThrottle.rate,
        throttlingBurstLimit: apiSpec.defaultThrottle.burst,
        detailedMetricsEnabled: true,
      };
      args.routeSettings = routeKeys.map((routeKey) => ({
        routeKey,
        throttlingRateLimit: apiSpec.routes[routeKey].throttle.rate,
        throttlingBurstLimit: apiSpec.routes[routeKey].throttle.burst,
        detailedMetricsEnabled: true,
      }));
      opts.dependsOn = routesReady;
    },
  },
});

export const authorizer = httpApi.addAuthorizer({
  name: "Cognito",
  jwt: { issuer, audiences: [client.id] },
});

export const routes = routeKeys.map((routeKey) => {
  const route: RouteSpec = apiSpec.routes[routeKey];
  const handler = handlers[route.function];
  if (!handler) throw new Error(`route ${routeKey}: ${route.function} is not an API function`);
  return httpApi.route(routeKey, handler.arn, {
    auth:
      route.auth === "none"
        ? false
        : {
            jwt: {
              authorizer: authorizer.id,
              scopes: route.scopes.length ? [...route.scopes] : undefined,
            },
          },
  });
});
routesCreated(routes.map((route) => route.nodes.route));

// CloudFront waits as long as the slowest handler behind the API may run (within its 60 s cap).
const readTimeoutSeconds = Math.min(
  60,
  Math.max(...Object.keys(handlers).map((name) => functions[name as FunctionName].timeoutSeconds)) +
    1,
);
router.route(webConsole.apiBasePath, httpApi.url, {
  readTimeout: `${readTimeoutSeconds} seconds`,
});
