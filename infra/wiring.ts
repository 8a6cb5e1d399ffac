// How the topology becomes infra, as plain data: which infra module creates
// each function and each link target, in which order the modules run, and
// what each function is linked to and reads from. No SST or Pulumi here, so
// the topology tests can import it; the infra modules build from it, so what
// the tests check is what gets deployed.
import {
  api,
  type FunctionName,
  functions,
  type LinkName,
  queues,
  sagaFunctions,
  streamMappings,
  tables,
} from "../packages/core/src/topology";

/** The infra modules, in the order `sst.config.ts` imports them. */
export const concernOrder = [
  "storage",
  "queues",
  "bus",
  "notifications",
  "config",
  "router",
  "auth",
  "payment-sandbox",
  "notification-sandbox",
  "consumers",
  "saga",
  "streams",
  "rules",
  "api",
  "web",
  "alarms",
] as const;
export type Concern = (typeof concernOrder)[number];

/** Which module creates the component behind each link name. */
export const linkProvider = {
  ...(Object.fromEntries(Object.keys(tables).map((t) => [t, "storage"])) as Record<
    keyof typeof tables,
    "storage"
  >),
  ...(Object.fromEntries(Object.keys(queues).map((q) => [q, "queues"])) as Record<
    keyof typeof queues,
    "queues"
  >),
  Bus: "bus",
  NotificationsTopic: "notifications",
  FulfillmentSaga: "saga",
  SagaCallbacks: "saga",
  PaymentProvider: "payment-sandbox",
  NotificationProvider: "notification-sandbox",
  OrderPolicy: "config",
  Auth: "auth",
} as const satisfies Record<LinkName, Concern>;

/**
 * Which module creates each function, read from where the topology uses it:
 * an API route, a saga state, a queue consumer, a stream mapping. The sandbox
 * providers are the functions nothing invokes through the topology (callers
 * reach them over their URLs), so each has a module of its own. Each module
 * creates its functions by name (infra/function-names.test.ts checks where).
 */
export function functionConcern(name: FunctionName): Concern {
  const owners = new Set<Concern>();
  if (Object.values(api.routes).some((r) => r.function === name)) owners.add("api");
  if (sagaFunctions().includes(name)) owners.add("saga");
  if (Object.values(queues).some((q) => q.kind === "work" && q.consumer.function === name))
    owners.add("consumers");
  if (Object.values(streamMappings).some((m) => m.function === name)) owners.add("streams");
  if (name === "PaymentSandbox") owners.add("payment-sandbox");
  if (name === "NotificationSandbox") owners.add("notification-sandbox");
  // The saga's compensator (its status-change rule's target) lives with the saga.
  if (name === "SagaCompensator") owners.add("saga");
  // The outbox pipe's enrichment lives with the stream it reads, whichever way
  // derived events go (an idle function costs nothing; the pipe needs it ready).
  if (name === "PipeEnrichment") owners.add("streams");
  if (owners.size !== 1)
    throw new Error(
      `function ${name} must be created by exactly one infra module, got [${[...owners]}]`,
    );
  return [...owners][0]!;
}

/** The link names infra passes to a function's `link`: the `Resource.*` values it reads, no permission. */
export function functionLinks(name: FunctionName): readonly LinkName[] {
  return functions[name].links;
}

// Event sources and grants are the topology's (packages/core/src/topology/permissions.ts):
// the local cloud and the IAM report read them too.
export {
  eventSourceGrants,
  eventSources,
  functionGrants,
  renderGrants,
} from "../packages/core/src/topology";
