// Matching one event against a bus's rules and archives, writing the resulting deliveries and
// archive rows. Callers run it inside a Store transaction, before they acknowledge anything.
import { eventBusArn as busArn, type Scope } from "../../protocol";
import type { DeliveryWorker } from "./delivery";
import { targetPayload } from "./input-transform";
import { type CompiledPattern, parsePattern } from "./pattern";
import type { Store } from "./store";
import type { RuleRecord, Target } from "./types";

export interface Context {
  store: Store;
  scope: Scope;
  now: () => number;
  worker: DeliveryWorker;
  routes: RouteCache;
}

interface CompiledRule {
  rule: RuleRecord;
  pattern: CompiledPattern;
  targets: Target[];
}

/** Compiled rules per bus, rebuilt after any rule or target change. */
export class RouteCache {
  private readonly byBus = new Map<string, CompiledRule[]>();
  private archives: Array<{
    name: string;
    sourceArn: string;
    pattern: CompiledPattern | null;
  }> | null = null;

  constructor(private readonly store: Store) {}

  invalidate() {
    this.byBus.clear();
    this.archives = null;
  }

  rules(bus: string): CompiledRule[] {
    let rules = this.byBus.get(bus);
    if (!rules) {
      rules = this.store
        .listRules(bus)
        .filter((r) => r.eventPattern !== null)
        .map((rule) => ({
          rule,
          pattern: parsePattern(rule.eventPattern!),
          targets: this.store.listTargets(bus, rule.name),
        }));
      this.byBus.set(bus, rules);
    }
    return rules;
  }

  archivesOf(sourceArn: string) {
    this.archives ??= this.store.listArchives().map((a) => ({
      name: a.name,
      sourceArn: a.sourceArn,
      pattern: a.eventPattern ? parsePattern(a.eventPattern) : null,
    }));
    return this.archives.filter((a) => a.sourceArn === sourceArn);
  }
}

export const formatTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface RouteOptions {
  /** Replays: only these rule ARNs (when given). */
  ruleArns?: Set<string>;
  /** Live events are archived; replayed ones never are (AWS's archive rule excludes them). */
  archive: boolean;
}

/** Returns the number of target deliveries written. */
export function routeEvent(
  ctx: Context,
  bus: string,
  event: Record<string, unknown>,
  options: RouteOptions,
): number {
  const now = ctx.now();
  const text = JSON.stringify(event);
  let deliveries = 0;
  for (const { rule, pattern, targets } of ctx.routes.rules(bus)) {
    if (rule.state === "DISABLED" || targets.length === 0) continue;
    if (options.ruleArns && !options.ruleArns.has(rule.arn)) continue;
    if (!pattern.matches(event)) continue;
    for (const target of targets) {
      const payload = targetPayload(target, event, {
        ruleArn: rule.arn,
        ruleName: rule.name,
        ingestionTime: formatTime(now),
      });
      ctx.store.insertDelivery({ ruleArn: rule.arn, target, event: text, payload, createdAt: now });
      deliveries++;
    }
  }
  if (options.archive && !("replay-name" in event)) {
    const time = Date.parse(String(event.time));
    for (const archive of ctx.routes.archivesOf(busArn(ctx.scope, bus))) {
      if (!archive.pattern || archive.pattern.matches(event))
        ctx.store.archiveEvent(archive.name, Number.isNaN(time) ? now : time, now, text);
    }
  }
  return deliveries;
}
