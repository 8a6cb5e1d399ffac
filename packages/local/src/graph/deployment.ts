import { readFileSync } from "node:fs";
import {
  type FunctionName,
  functions,
  type QueueName,
  queues,
  rules,
  tables,
} from "@orders/core/topology";
import { ensureGraph } from "./ensure";
import type { GraphResource } from "./types";

// The physical names and ARNs the deployment would have, read from the
// synthesized graph and keyed by the topology's names: the local cloud creates
// its resources under these, so the graph's policies apply to them unchanged.

export type TableName = keyof typeof tables;
export type RuleName = keyof typeof rules;

export interface Named {
  name: string;
  arn: string;
}

export interface Deployment {
  tables: Record<TableName, Named & { streamLabel?: string }>;
  queues: Record<QueueName, Named>;
  topics: { NotificationsTopic: Named };
  bus: Named;
  archive: Named;
  /** `busName` is `default` for a rule on the account's default bus. */
  rules: Record<RuleName, Named & { busName: string; targetRoleArn?: string }>;
  stateMachine: Named & { roleArn: string };
  functions: Record<FunctionName, Named & { roleArn: string; roleName: string; logGroup: string }>;
  /** The whole graph (IAM reads policies from it). */
  resources: GraphResource[];
}

const TYPES = {
  table: "aws:dynamodb/table:Table",
  queue: "aws:sqs/queue:Queue",
  topic: "aws:sns/topic:Topic",
  bus: "aws:cloudwatch/eventBus:EventBus",
  archive: "aws:cloudwatch/eventArchive:EventArchive",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  lambda: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
} as const;

/** Reads the physical names of the topology's resources out of a graph. */
export function deploymentOf(resources: GraphResource[]): Deployment {
  const one = (what: string, found: GraphResource[]) => {
    if (found.length !== 1)
      throw new Error(
        `graph: ${found.length ? `${found.length} resources match` : "no resource for"} ${what}; ` +
          "the synthesized graph and the topology disagree (run `pnpm synth` and check infra/)",
      );
    return found[0]!;
  };
  // SST components name their provider resource `<component><Kind>` under a parent `<component>`.
  const childOf = (parent: string, type: string) =>
    one(
      `${parent} (${type})`,
      resources.filter((r) => r.parent === parent && r.type === type),
    );
  const named = (name: string, type: string) =>
    one(
      `${name} (${type})`,
      resources.filter((r) => r.name === name && r.type === type),
    );
  const nameArn = (r: GraphResource): Named => ({
    name: String(r.outputs.name),
    arn: String(r.outputs.arn),
  });
  const byArn = (arn: string, type: string, what: string) =>
    one(
      what,
      resources.filter((r) => r.type === type && r.outputs.arn === arn),
    );

  const bus = nameArn(childOf("Bus", TYPES.bus));
  const saga = named("FulfillmentSagaStateMachine", TYPES.stateMachine);
  return {
    tables: Object.fromEntries(
      Object.keys(tables).map((key) => {
        const table = childOf(key, TYPES.table);
        return [
          key,
          {
            ...nameArn(table),
            ...(table.outputs.streamLabel
              ? { streamLabel: String(table.outputs.streamLabel) }
              : {}),
          },
        ];
      }),
    ) as Deployment["tables"],
    queues: Object.fromEntries(
      Object.keys(queues).map((key) => [key, nameArn(childOf(key, TYPES.queue))]),
    ) as Deployment["queues"],
    topics: { NotificationsTopic: nameArn(childOf("NotificationsTopic", TYPES.topic)) },
    bus,
    archive: nameArn(
      one(
        "the bus's archive",
        resources.filter((r) => r.type === TYPES.archive && r.inputs.eventSourceArn === bus.arn),
      ),
    ),
    rules: Object.fromEntries(
      Object.keys(rules).map((key) => {
        const rule = named(key, TYPES.rule);
        const target = resources.find(
          (r) => r.type === TYPES.target && r.inputs.rule === rule.outputs.name,
        );
        return [
          key,
          {
            ...nameArn(rule),
            busName: String(rule.inputs.eventBusName ?? "default"),
            ...(target?.inputs.roleArn ? { targetRoleArn: String(target.inputs.roleArn) } : {}),
          },
        ];
      }),
    ) as Deployment["rules"],
    stateMachine: { ...nameArn(saga), roleArn: String(saga.inputs.roleArn) },
    functions: Object.fromEntries(
      Object.keys(functions).map((key) => {
        const fn = childOf(key, TYPES.lambda);
        const role = byArn(String(fn.inputs.role), TYPES.role, `${key}'s role ${fn.inputs.role}`);
        return [
          key,
          {
            ...nameArn(fn),
            roleArn: String(role.outputs.arn),
            roleName: String(role.outputs.name),
            // SST points the function's logging at the log group it creates.
            logGroup: String(fn.inputs.loggingConfig?.logGroup ?? `/aws/lambda/${fn.outputs.name}`),
          },
        ];
      }),
    ) as Deployment["functions"],
    resources,
  };
}

let memo: Deployment | undefined;

/** The deployment of the cached graph (built first when stale); read once per process. */
export function deployment(): Deployment {
  memo ??= deploymentOf(JSON.parse(readFileSync(ensureGraph(), "utf8")) as GraphResource[]);
  return memo;
}
