// IAM evaluation for the local cloud: each (principal, action, resource) is
// evaluated by @cloud-copilot/iam-simulate against the graph's identity
// policies and, where AWS consults one, the resource's policy; a denial is an
// AwsError in the service's own shape with AWS's message. Policies are static
// for a run, so each distinct question is evaluated once.
import { appendFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  isWildcardOnlyAction,
  type RunSimulationResults,
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID, repoRoot } from "../config";
import { type AuthorizationCheck, type Authorizer, AwsError } from "../protocol";
import { type GraphResource, type PolicyDocument, policiesOf } from "./policies";
import { type Principal, principalResolver } from "./principals";

export interface IamOptions {
  /** The synthesized graph's resources. */
  resources: readonly GraphResource[];
  /** false: a denial is logged and the call allowed. */
  enforce: boolean;
  /** Where this process appends its usage record (default `LOCAL_IAM_USAGE_DIR`, else `.cache/iam-usage/`). */
  usageDir?: string;
  /** Each denial (and the graph's warnings) as one JSON line (default: stderr). */
  log?: (line: string) => void;
}

export interface Decision {
  allowed: boolean;
  /** AWS's message for a denial (also a would-be denial when not enforced); empty when allowed. */
  message: string;
}

/** Context keys of a request (`aws:SourceArn` is added for service principals). */
export type RequestContext = Record<string, string | string[]>;

export interface Iam {
  /** For the protocol middleware: `iam(authorizer)`. */
  authorizer: Authorizer;
  /** The same evaluation for calls that never cross :4566 (Step Functions invoking a function, EventBridge delivering). */
  check(key: string, action: string, resource: string, context?: RequestContext): Promise<Decision>;
  /** Who an access key id is. */
  principalOf(key: string): Principal;
  /** Whether a denial is answered (true) or only logged. */
  readonly enforce: boolean;
  /** The usage file this process appends to. */
  readonly usageFile: string;
  /** What the graph held that the evaluator could not read. */
  readonly warnings: readonly string[];
}

/** How each service answers a denial, as AWS does (code, status, how its message spells the action). */
const DENIAL: Record<
  string,
  { code: string; status: number; queryCode?: string; spell?: (a: string) => string }
> = {
  dynamodb: { code: "AccessDeniedException", status: 400 },
  // JSON: `x-amzn-query-error: AccessDenied;Sender` makes the SDK's error name AccessDenied.
  sqs: {
    code: "AccessDeniedException",
    queryCode: "AccessDenied",
    status: 403,
    spell: (a) => a.toLowerCase(),
  },
  sns: { code: "AuthorizationError", status: 403, spell: (a) => a.replace(/^sns:/, "SNS:") },
  events: { code: "AccessDeniedException", status: 400 },
  states: { code: "AccessDeniedException", status: 400 },
  logs: { code: "AccessDeniedException", status: 400 },
  lambda: { code: "AccessDeniedException", status: 403 },
  cloudwatch: { code: "AccessDenied", queryCode: "AccessDenied", status: 403 },
};
const denialOf = (service: string) =>
  DENIAL[service] ?? { code: "AccessDeniedException", status: 400 };

/** The service that owns an IAM action (`sqs:SendMessage` → sqs). */
const serviceOfAction = (action: string) => action.split(":")[0]!.toLowerCase();

/** A function's resource policy guards its unqualified ARN. */
const policyArnOf = (resource: string) =>
  resource.startsWith("arn:aws:lambda:") ? resource.split(":").slice(0, 7).join(":") : resource;

/** Distinct questions kept (each a few hundred bytes); the policies do not change, so dropping them is safe. */
const MAX_CACHED = 20_000;

type Verdict = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";
interface Outcome {
  verdict: Verdict;
  /** Which policy type explicitly denied, for the message. */
  deniedBy?: "identity" | "resource";
  error?: string;
}

function outcomeOf(out: RunSimulationResults): Outcome {
  // The request does not fit the reference (an unknown action, a resource of the wrong type): a declaration to fix.
  if (out.resultType === "error")
    return { verdict: "ImplicitlyDenied", error: JSON.stringify(out.errors) };
  const analyses =
    out.resultType === "single" ? [out.result.analysis] : out.results.map((r) => r.analysis);
  const explicit = analyses.find((a) => a.result === "ExplicitlyDenied");
  return {
    verdict: out.overallResult,
    deniedBy: explicit
      ? explicit.identityAnalysis?.result === "ExplicitlyDenied"
        ? "identity"
        : "resource"
      : undefined,
  };
}

export function createIam(options: IamOptions): Iam {
  const graph = policiesOf(options.resources);
  const resolve_ = principalResolver(graph);
  const log = options.log ?? ((line: string) => console.error(line));
  for (const warning of graph.warnings) log(JSON.stringify({ level: "warn", iam: warning }));

  const usageDir = resolve(
    options.usageDir ?? process.env.LOCAL_IAM_USAGE_DIR ?? join(repoRoot, ".cache", "iam-usage"),
  );
  const usageFile = join(usageDir, `usage-${process.pid}-${Date.now()}.jsonl`);
  const recorded = new Set<string>();
  let dirReady = false;
  function record(entry: Record<string, unknown>) {
    const line = JSON.stringify(entry);
    if (recorded.has(line)) return;
    // Bounded like the cache: past it a line may repeat, which the report reads the same.
    if (recorded.size >= MAX_CACHED) recorded.clear();
    recorded.add(line);
    if (!dirReady) mkdirSync(usageDir, { recursive: true });
    dirReady = true;
    appendFileSync(usageFile, `${line}\n`);
  }

  const cache = new Map<string, Promise<Outcome>>();
  /** (principal, action) pairs whose declaration the validating engine accepted. */
  const validated = new Set<string>();
  // A table's stream is the deployment's stream, whatever label DynamoDB Local gave it when it
  // created the table (the graph's label is a placeholder the policies name).
  const asDeployed = (check: AuthorizationCheck): AuthorizationCheck => {
    const m = /^(arn:aws:dynamodb:[^:]*:\d{12}:table\/[^/]+)\/stream\/[^/]+$/.exec(check.resource);
    const deployed = m && graph.tableStreams.get(m[1]!);
    return deployed ? { ...check, resource: deployed } : check;
  };

  function evaluate(
    principal: Exclude<Principal, { kind: "admin" }>,
    check: AuthorizationCheck,
    context: RequestContext,
  ): Promise<Outcome> {
    const key = JSON.stringify([principal.key, check.action, check.resource, context]);
    let outcome = cache.get(key);
    if (!outcome) {
      const resourcePolicy: PolicyDocument | undefined = graph.resourcePolicy(
        policyArnOf(check.resource),
      );
      const contextVariables: RequestContext =
        principal.kind === "service"
          ? { "aws:SourceArn": principal.sourceArn, "aws:SourceAccount": ACCOUNT_ID, ...context }
          : {
              "aws:PrincipalArn": principal.roleArn,
              "aws:PrincipalAccount": ACCOUNT_ID,
              ...context,
            };
      const simulation: Simulation = {
        request: {
          principal: principal.arn,
          action: check.action,
          resource: { resource: check.resource, accountId: ACCOUNT_ID },
          contextVariables,
        },
        // A service principal has no identity policy: only the resource's policy can allow it.
        identityPolicies:
          principal.kind === "role" ? (graph.identityPolicies(principal.roleArn) ?? []) : [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy ? { resourcePolicy } : {}),
      };
      const validatedKey = `${principal.key}\n${check.action}`;
      outcome = wildcardOnly(check.action).then(async (only) => {
        // The reference lists some actions without resource types although AWS authorises them on
        // one (states:SendTaskSuccess names the state machine in its denial, and a grant on it
        // works): the validating engine refuses any resource but `*` for those, so they are
        // matched as declared, without its validation.
        if (only && check.resource !== "*" && !resourcePolicy)
          return { verdict: runUnsafeSimulation(simulation, {}) };
        // Validation costs ~1 ms a call, matching ~0.2 ms: once an action's declaration has passed
        // it for this principal, a new ARN (an execution, a replay) is only matched, and a
        // denial re-run in full for its message. (Not with a resource policy: iam-simulate
        // 0.1.173's unsafe engine loads one without the name it then reads, and throws.)
        if (check.resource !== "*" && !resourcePolicy && validated.has(validatedKey)) {
          const verdict = runUnsafeSimulation(simulation, {});
          if (verdict === "Allowed") return { verdict };
        }
        const full = outcomeOf(await runSimulation(simulation, {}));
        if (!full.error) validated.add(validatedKey);
        return full;
      });
      // Executions and items name new ARNs for as long as the cloud runs: bound what is kept.
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, outcome);
    }
    return outcome;
  }

  const wildcardOnlyActions = new Map<string, Promise<boolean>>();
  function wildcardOnly(action: string): Promise<boolean> {
    const [service = "", name = ""] = action.toLowerCase().split(":");
    let only = wildcardOnlyActions.get(action.toLowerCase());
    if (!only) {
      // An action the reference does not know is left to the validating engine, which says so.
      only = isWildcardOnlyAction(service, name).catch(() => false);
      wildcardOnlyActions.set(action.toLowerCase(), only);
    }
    return only;
  }

  function messageOf(principal: Principal, check: AuthorizationCheck, outcome: Outcome) {
    const action = (denialOf(serviceOfAction(check.action)).spell ?? ((a) => a))(check.action);
    const on = check.resource === "*" ? "" : ` on resource: ${check.resource}`;
    const head = `User: ${principal.arn} is not authorized to perform: ${action}${on}`;
    if (outcome.verdict === "ExplicitlyDenied")
      return `${head} with an explicit deny in ${outcome.deniedBy === "resource" ? "a resource-based" : "an identity-based"} policy`;
    const policy = principal.kind === "service" ? "resource-based" : "identity-based";
    return `${head} because no ${policy} policy allows the ${action} action`;
  }

  async function decide(
    key: string,
    checks: AuthorizationCheck[],
    context: RequestContext,
    correlationId?: string,
  ): Promise<Decision & { check?: AuthorizationCheck }> {
    const principal = resolve_(key);
    if (principal.kind === "admin") return { allowed: true, message: "" };
    const who = {
      principal: key,
      principalArn: principal.arn,
      ...(principal.kind === "role" ? { roleArn: principal.roleArn } : {}),
      ...(principal.kind === "role" && principal.functionName
        ? { function: principal.functionName }
        : {}),
    };
    let denied: (Decision & { check: AuthorizationCheck }) | undefined;
    for (const requested of checks) {
      const check = asDeployed(requested);
      const outcome = await evaluate(principal, check, context);
      if (outcome.verdict !== "Allowed") {
        const message = messageOf(principal, check, outcome);
        record({ ...who, action: check.action, resource: check.resource, decision: "denied" });
        log(
          JSON.stringify({
            level: "warn",
            msg: options.enforce ? "AccessDenied" : "AccessDenied (not enforced)",
            ...who,
            action: check.action,
            resource: check.resource,
            ...(correlationId ? { correlationId } : {}),
            message,
            ...(outcome.error ? { simulationError: outcome.error } : {}),
          }),
        );
        denied ??= { allowed: false, message, check };
        // AWS stops at the first refusal; not enforced, every would-be refusal is logged.
        if (options.enforce) return denied;
        continue;
      }
      record({ ...who, action: check.action, resource: check.resource, decision: "allowed" });
    }
    return denied ?? { allowed: true, message: "" };
  }

  const authorizer: Authorizer = async (call) => {
    const checks =
      call.checks ?? call.resources.map((resource) => ({ action: call.action, resource }));
    const decision = await decide(call.principal, checks, {}, call.request.correlationId);
    if (decision.allowed || !options.enforce) return;
    const shape = denialOf(call.request.service);
    throw new AwsError(shape.code, decision.message, shape.status, shape.queryCode);
  };

  return {
    authorizer,
    check: async (key, action, resource, context = {}) => {
      const { allowed, message } = await decide(key, [{ action, resource }], context);
      return { allowed: allowed || !options.enforce, message };
    },
    principalOf: resolve_,
    enforce: options.enforce,
    usageFile,
    warnings: graph.warnings,
  };
}
