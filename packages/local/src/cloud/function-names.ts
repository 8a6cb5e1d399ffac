import { app, type FunctionName, functions } from "@orders/core/topology";
import { STAGE } from "../config";
import { deployment } from "../graph";

// What a function is called in the deployment (the synthesized graph's
// `orders-local-IngressFunction-<suffix>`), and where its logs go: the admin
// API finds its functions' logs by SST's prefix (`/aws/lambda/<app>-<stage>-`),
// so locally the groups carry the graph's names too.

const inTopology = (name: string): name is FunctionName => name in functions;

/** `Ingress` → `orders-local-IngressFunction-tbrcfsde`; a test's own function keeps its name. */
export const physicalFunctionName = (name: string) =>
  inTopology(name) ? deployment().functions[name].name : name;

/**
 * The log group SST points a function's logging at. A test's own function gets
 * SST's prefix without a suffix, so the admin API's log search finds it too.
 */
export const functionLogGroup = (name: string) =>
  inTopology(name)
    ? deployment().functions[name].logGroup
    : `/aws/lambda/${app.name}-${STAGE}-${name.replace(/[^a-zA-Z0-9]/g, "")}Function`;
