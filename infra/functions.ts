import {
  app,
  type FunctionName,
  functions,
  type GrantTarget,
  type LinkName,
} from "../packages/core/src/topology";
import { functionGrants, functionLinks, renderGrants } from "./wiring";

// One way to turn a topology function into a Lambda: Node 24, its timeout and
// memory, its links' `Resource.*` values, exactly the topology's permissions,
// X-Ray, JSON logs and the Powertools settings. Each infra module creates the
// functions it owns with this; the registry lets alarms (and the saga) find
// them by topology name.

/** Components a module can offer as link targets, by link name. */
export type LinkTargets = Partial<Record<LinkName, unknown>>;

const created = new Map<FunctionName, sst.aws.Function>();

/** The ARN each grant target stands for, offered by the module that creates it. */
const grantArns = new Map<GrantTarget, $util.Input<string>>();

/** Lets functions be granted on these resources (infra modules call this for what they create). */
export function offerGrantTargets(arns: Partial<Record<GrantTarget, $util.Input<string>>>) {
  for (const [target, arn] of Object.entries(arns) as [GrantTarget, $util.Input<string>][]) {
    if (grantArns.has(target)) throw new Error(`grant target ${target} is offered twice`);
    grantArns.set(target, arn);
  }
}

function grantArn(name: FunctionName, target: GrantTarget): $util.Input<string> {
  if (target === "*") return "*";
  const arn = grantArns.get(target);
  if (!arn)
    throw new Error(
      `function ${name} is granted on ${target}, but no module offered it yet (check the infra import order)`,
    );
  return arn;
}

// The stage's function log groups: SST names each `/aws/lambda/<app>-<stage>-<Name>Function-<suffix>`.
offerGrantTargets({
  FunctionLogs: $interpolate`arn:aws:logs:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:log-group:/aws/lambda/${$app.name}-${$app.stage}-*`,
});

/**
 * A link as SST reads it (`Link.build` takes the `urn` and the properties,
 * `.sst/platform/src/components/link.ts`), without its `include`: the
 * function gets `Resource.<Name>` but not the link's default permissions
 * (`dynamodb:*`, `sqs:*`, `events:*`); its role holds only the topology's grants.
 */
function valueOnly(target: unknown) {
  const linkable = target as { urn: $util.Output<string>; getSSTLink(): { properties: unknown } };
  return {
    urn: linkable.urn,
    getSSTLink: () => ({ properties: linkable.getSSTLink().properties }),
  };
}

export function defineFunction(
  name: FunctionName,
  targets: LinkTargets,
  extra: { url?: sst.aws.FunctionArgs["url"] } = {},
) {
  if (created.has(name)) throw new Error(`function ${name} is defined twice`);
  const spec = functions[name];
  const link = functionLinks(name).map((linkName) => {
    const target = targets[linkName];
    if (!target) throw new Error(`function ${name} links ${linkName}, but no component was given`);
    return valueOnly(target);
  });
  const fn = new sst.aws.Function(name, {
    handler: spec.handler,
    runtime: "nodejs24.x",
    timeout: `${spec.timeoutSeconds} seconds`,
    memory: `${spec.memoryMb} MB`,
    description: spec.description,
    link,
    logging: { format: "json", retention: "1 month" },
    environment: {
      // `saga/claim-order` → `claim-order`: the service name in logs, traces, metrics.
      POWERTOOLS_SERVICE_NAME: spec.handler.replace(/^.*\/|\.handler$/g, ""),
      POWERTOOLS_METRICS_NAMESPACE: app.name,
    },
    permissions: [
      // Active tracing needs the function role to write segments (no resource-level scoping exists).
      { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
      ...renderGrants(functionGrants(name), (target) => grantArn(name, target)),
    ],
    url: extra.url,
    transform: {
      function: (args) => {
        args.tracingConfig = { mode: "Active" };
      },
      role: (args) => {
        // SST 4.17.1 picks the role's trust policy with `!dev` on a Pulumi
        // Output (always truthy), so every role trusts the account root as
        // `sst dev`'s bridge needs. Outside `sst dev` only Lambda may assume it.
        if (!$dev)
          args.assumeRolePolicy = aws.iam.assumeRolePolicyForPrincipal({
            Service: "lambda.amazonaws.com",
          });
      },
    },
  });
  created.set(name, fn);
  return fn;
}

/** A function created by its module; throws if that module has not run yet. */
export function functionNamed(name: FunctionName) {
  const fn = created.get(name);
  if (!fn) throw new Error(`function ${name} is not defined yet (check the infra import order)`);
  return fn;
}

/** Every topology function, once all modules have run. */
export function allFunctions() {
  return (Object.keys(functions) as FunctionName[]).map(
    (name) => [name, functionNamed(name)] as const,
  );
}
