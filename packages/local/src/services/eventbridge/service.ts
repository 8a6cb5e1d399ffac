// The local EventBridge: one `handle(action, body)` for every API action, backed by node:sqlite
// and a delivery worker. Validation happens before any write, so bad input changes nothing.
import { AwsError, eventBusArn as busArn, busNameOf, pageOfItems, ruleArn } from "../../protocol";
import * as Api from "./api-schemas";
import {
  cancelReplay,
  createArchive,
  deleteArchive,
  describeArchiveAction,
  describeReplayAction,
  listArchives,
  listReplays,
  resumeReplays,
  startReplay,
} from "./archives";
import { DeliveryWorker } from "./delivery";
import { apiError, invalidNextToken, notFound, validationError } from "./errors";
import { validateTargetInput } from "./input-transform";
import { InvalidEventPatternError, parsePattern } from "./pattern";
import { putEvents } from "./put-events";
import { type Context, RouteCache } from "./routing";
import { Store } from "./store";
import type {
  ApiResponse,
  EventBridge,
  EventBridgeOptions,
  PutEventsEntry,
  RuleRecord,
  Target,
} from "./types";

const MAX_TARGETS_PER_RULE = 5;

export function createEventBridge(options: EventBridgeOptions): EventBridge {
  const store = new Store(options.dataDir);
  const now = options.now ?? Date.now;
  const scope = { region: options.region, accountId: options.accountId };
  const worker = new DeliveryWorker(store, options.deliver, {
    now,
    baseDelayMs: options.retryBaseDelayMs ?? 1000,
    maxDelayMs: options.retryMaxDelayMs ?? 300_000,
    concurrency: options.maxConcurrentDeliveries ?? 32,
  });
  const ctx: Context = { store, scope, now, worker, routes: new RouteCache(store) };

  if (!store.getBus("default"))
    store.insertBus({
      name: "default",
      arn: busArn(scope, "default"),
      description: null,
      created: now(),
    });

  const actions = makeActions(ctx);

  async function handle(action: string, rawBody: unknown): Promise<ApiResponse> {
    try {
      let body = rawBody;
      if (typeof rawBody === "string" || Buffer.isBuffer(rawBody)) {
        const text = rawBody.toString();
        try {
          body = text.trim() === "" ? {} : JSON.parse(text);
        } catch {
          throw apiError(
            "SerializationException",
            "Start of structure or map found where not expected.",
          );
        }
      }
      if (typeof body !== "object" || body === null || Array.isArray(body))
        throw apiError(
          "SerializationException",
          "Start of structure or map found where not expected.",
        );
      const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!run) throw apiError("UnknownOperationException", `Unknown operation ${action}`);
      return { status: 200, body: run(body) };
    } catch (err) {
      if (err instanceof AwsError)
        return { status: err.status, body: { __type: err.code, message: err.message } };
      if (err instanceof InvalidEventPatternError)
        return { status: 400, body: { __type: err.name, message: err.message } };
      console.error("[eventbridge] internal error", err);
      return {
        status: 500,
        body: { __type: "InternalException", message: (err as Error).message },
      };
    }
  }

  let closed = false;
  // Deliveries and replays left by a previous process continue.
  worker.kick();
  resumeReplays(ctx);

  return {
    handle,
    operations: Object.keys(actions),
    async putEvents(entries: PutEventsEntry[]) {
      const normalised = entries.map((e) => ({
        ...e,
        Time: e.Time instanceof Date ? e.Time.getTime() / 1000 : e.Time,
      }));
      const out = await handle("PutEvents", { Entries: normalised });
      if (out.status !== 200) {
        const err = out.body as { __type: string; message: string };
        throw new AwsError(err.__type, err.message, out.status);
      }
      return out.body as ReturnType<typeof putEvents>;
    },
    idle: () => worker.idle(),
    async close() {
      if (closed) return;
      closed = true;
      await worker.close();
      store.close();
    },
  };
}

type Action = (body: object) => unknown;

function makeActions(ctx: Context): Record<string, Action> {
  const { store, scope } = ctx;

  const busOrThrow = (nameOrArn: string | undefined) => {
    const name = busNameOf(nameOrArn);
    const bus = store.getBus(name);
    if (!bus) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  };
  const ruleOrThrow = (name: string, busName: string | undefined) => {
    const bus = busOrThrow(busName);
    const rule = store.getRule(bus.name, name);
    if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  };
  const describeRule = (r: RuleRecord) => ({
    Name: r.name,
    Arn: r.arn,
    EventPattern: r.eventPattern ?? undefined,
    ScheduleExpression: r.scheduleExpression ?? undefined,
    State: r.state,
    Description: r.description ?? undefined,
    RoleArn: r.roleArn ?? undefined,
    EventBusName: r.bus,
  });
  const changed = <T>(fn: () => T): T => {
    const out = store.transaction(fn);
    ctx.routes.invalidate();
    return out;
  };

  return {
    CreateEventBus(body) {
      const input = Api.parseInput(Api.CreateEventBus, body);
      if (input.Name === "default" || store.getBus(input.Name))
        throw apiError("ResourceAlreadyExistsException", `Event bus ${input.Name} already exists.`);
      const bus = {
        name: input.Name,
        arn: busArn(scope, input.Name),
        description: input.Description ?? null,
        created: ctx.now(),
      };
      store.insertBus(bus);
      return { EventBusArn: bus.arn, Description: input.Description };
    },
    DescribeEventBus(body) {
      const { Name } = Api.parseInput(Api.BusRef, body);
      const bus = busOrThrow(Name);
      return {
        Name: bus.name,
        Arn: bus.arn,
        Description: bus.description ?? undefined,
        CreationTime: bus.created / 1000,
        LastModifiedTime: bus.created / 1000,
      };
    },
    DeleteEventBus(body) {
      const { Name } = Api.parseInput(Api.BusRef, body);
      const name = busNameOf(Name);
      if (name === "default") throw validationError("Cannot delete event bus default.");
      if (store.listRules(name).length > 0)
        throw validationError(`Event bus ${name} has rules; delete them first.`);
      changed(() => store.deleteBus(name));
      return {};
    },
    ListEventBuses(body) {
      const input = Api.parseInput(Api.ListEventBuses, body);
      const all = store
        .listBuses()
        .filter((b) => !input.NamePrefix || b.name.startsWith(input.NamePrefix));
      const { page, nextToken: NextToken } = pageOfItems(
        all,
        "buses",
        input.Limit ?? 100,
        input.NextToken,
        invalidNextToken,
      );
      return {
        EventBuses: page.map((b) => ({
          Name: b.name,
          Arn: b.arn,
          Description: b.description ?? undefined,
          CreationTime: b.created / 1000,
          LastModifiedTime: b.created / 1000,
        })),
        NextToken,
      };
    },

    PutRule(body) {
      const input = Api.parseInput(Api.PutRule, body);
      const bus = busOrThrow(input.EventBusName);
      if (input.EventPattern === undefined && input.ScheduleExpression === undefined)
        throw validationError("Parameter(s) EventPattern or ScheduleExpression must be specified.");
      if (input.EventPattern !== undefined) parsePattern(input.EventPattern);
      if (input.ScheduleExpression !== undefined) {
        if (bus.name !== "default")
          throw validationError("ScheduleExpression is supported only on the default event bus.");
        if (
          !/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(
            input.ScheduleExpression,
          )
        )
          throw validationError("Parameter ScheduleExpression is not valid.");
      }
      const existing = store.getRule(bus.name, input.Name);
      const rule: RuleRecord = {
        name: input.Name,
        bus: bus.name,
        arn: ruleArn(scope, bus.name, input.Name),
        eventPattern: input.EventPattern ?? null,
        scheduleExpression: input.ScheduleExpression ?? null,
        state: input.State === "DISABLED" ? "DISABLED" : "ENABLED",
        description: input.Description ?? null,
        roleArn: input.RoleArn ?? null,
        createdBy: existing?.createdBy ?? scope.accountId,
      };
      changed(() => store.upsertRule(rule));
      return { RuleArn: rule.arn };
    },
    DescribeRule(body) {
      const input = Api.parseInput(Api.RuleRef, body);
      const rule = ruleOrThrow(input.Name, input.EventBusName);
      return { ...describeRule(rule), CreatedBy: rule.createdBy };
    },
    ListRules(body) {
      const input = Api.parseInput(Api.ListRules, body);
      const bus = busOrThrow(input.EventBusName);
      const all = store
        .listRules(bus.name)
        .filter((r) => !input.NamePrefix || r.name.startsWith(input.NamePrefix));
      const { page, nextToken: NextToken } = pageOfItems(
        all,
        `rules/${bus.name}`,
        input.Limit ?? 100,
        input.NextToken,
        invalidNextToken,
      );
      return { Rules: page.map(describeRule), NextToken };
    },
    DeleteRule(body) {
      const input = Api.parseInput(Api.RuleRef, body);
      const bus = busOrThrow(input.EventBusName);
      // Deleting a rule that is not there succeeds, as on AWS.
      if (!store.getRule(bus.name, input.Name)) return {};
      if (store.listTargets(bus.name, input.Name).length > 0)
        throw validationError("Rule can't be deleted since it has targets.");
      changed(() => store.deleteRule(bus.name, input.Name));
      return {};
    },
    EnableRule(body) {
      const input = Api.parseInput(Api.RuleRef, body);
      const rule = ruleOrThrow(input.Name, input.EventBusName);
      changed(() => store.setRuleState(rule.bus, rule.name, "ENABLED"));
      return {};
    },
    DisableRule(body) {
      const input = Api.parseInput(Api.RuleRef, body);
      const rule = ruleOrThrow(input.Name, input.EventBusName);
      changed(() => store.setRuleState(rule.bus, rule.name, "DISABLED"));
      return {};
    },

    PutTargets(body) {
      const input = Api.parseInput(Api.PutTargets, body);
      const rule = ruleOrThrow(input.Rule, input.EventBusName);
      const targets = input.Targets as Target[];
      for (const t of targets) validateTargetInput(t);
      const ids = new Set(store.listTargets(rule.bus, rule.name).map((t) => t.Id));
      for (const t of targets) ids.add(t.Id);
      if (ids.size > MAX_TARGETS_PER_RULE)
        throw apiError(
          "LimitExceededException",
          `The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets per rule).`,
        );
      changed(() => {
        for (const t of targets) store.putTarget(rule.bus, rule.name, t);
      });
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    ListTargetsByRule(body) {
      const input = Api.parseInput(Api.ListTargetsByRule, body);
      const rule = ruleOrThrow(input.Rule, input.EventBusName);
      const all = store.listTargets(rule.bus, rule.name);
      const { page, nextToken: NextToken } = pageOfItems(
        all,
        `targets/${rule.arn}`,
        input.Limit ?? 100,
        input.NextToken,
        invalidNextToken,
      );
      return { Targets: page, NextToken };
    },
    RemoveTargets(body) {
      const input = Api.parseInput(Api.RemoveTargets, body);
      const rule = ruleOrThrow(input.Rule, input.EventBusName);
      changed(() => {
        for (const id of input.Ids) store.removeTarget(rule.bus, rule.name, id);
      });
      return { FailedEntryCount: 0, FailedEntries: [] };
    },

    PutEvents(body) {
      const input = Api.parseInput(Api.PutEvents, body);
      return putEvents(ctx, input.Entries);
    },
    TestEventPattern(body) {
      const input = Api.parseInput(Api.TestEventPattern, body);
      const pattern = parsePattern(input.EventPattern);
      let event: unknown;
      try {
        event = JSON.parse(input.Event);
      } catch {
        throw validationError("Parameter Event is not valid.");
      }
      // AWS insists on a full envelope in the test event.
      const required = ["id", "account", "source", "time", "region", "detail-type"];
      if (
        typeof event !== "object" ||
        event === null ||
        Array.isArray(event) ||
        required.some((k) => !(k in event))
      )
        throw validationError("Parameter Event is not valid.");
      return { Result: pattern.matches(event) };
    },

    CreateArchive: (body) => createArchive(ctx, body),
    DescribeArchive: (body) => describeArchiveAction(ctx, body),
    DeleteArchive: (body) => deleteArchive(ctx, body),
    ListArchives: (body) => listArchives(ctx, body),
    StartReplay: (body) => startReplay(ctx, body),
    DescribeReplay: (body) => describeReplayAction(ctx, body),
    CancelReplay: (body) => cancelReplay(ctx, body),
    ListReplays: (body) => listReplays(ctx, body),
  };
}
