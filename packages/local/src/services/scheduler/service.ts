// EventBridge Scheduler: the API (schedules, groups) over the store, and the
// firing loop: a due schedule becomes a durable invocation, made through the
// deliverer with the target's retry policy, then the DLQ.
// https://docs.aws.amazon.com/scheduler/latest/APIReference/Welcome.html
import { AwsError, arn, pageOfItems, type Scope } from "../../protocol";
import {
  type Expression,
  InvalidExpressionError,
  isTimeZone,
  nextFireTime,
  parseExpression,
} from "./expressions";
import { backoffDelay, classifyFailure, retryPolicyOf } from "./retry-policy";
import { type InvocationRow, openSchedulerStore, type ScheduleRow } from "./store";
import type {
  ApiResponse,
  ScheduleRecord,
  Scheduler,
  SchedulerOptions,
  ScheduleTarget,
} from "./types";

const OPERATIONS = [
  "CreateSchedule",
  "GetSchedule",
  "UpdateSchedule",
  "DeleteSchedule",
  "ListSchedules",
  "CreateScheduleGroup",
  "GetScheduleGroup",
  "DeleteScheduleGroup",
  "ListScheduleGroups",
] as const;

export const scheduleArn = (s: Scope, group: string, name: string) =>
  arn("scheduler", s, `schedule/${group}/${name}`);
export const scheduleGroupArn = (s: Scope, group: string) =>
  arn("scheduler", s, `schedule-group/${group}`);

const validation = (message: string) => new AwsError("ValidationException", message, 400);
const notFound = (message: string) => new AwsError("ResourceNotFoundException", message, 404);
const conflict = (message: string) => new AwsError("ConflictException", message, 409);

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
/** Timestamps arrive as epoch seconds (REST-JSON), possibly fractional. */
const seconds = (v: unknown, field: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === "string" && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw validation(`Invalid ${field}.`);
};
const epoch = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export function createScheduler(options: SchedulerOptions): Scheduler {
  const scope: Scope = { region: options.region, accountId: options.accountId };
  const store = openSchedulerStore(options.dataDir);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const baseDelay = options.retryBaseDelayMs ?? 1000;
  const maxDelay = options.retryMaxDelayMs ?? 300_000;
  const pollMs = options.pollMs ?? 1000;

  // The default group always exists (AWS creates it with the account).
  store.transaction(() => {
    if (!store.getGroup("default"))
      store.putGroup({
        name: "default",
        arn: scheduleGroupArn(scope, "default"),
        created: now(),
        modified: now(),
        clientToken: null,
      });
  });

  function groupNameOf(input: Record<string, unknown>): string {
    const group = str(input.GroupName) ?? "default";
    if (!NAME.test(group)) throw validation(`Invalid GroupName ${group}.`);
    return group;
  }
  function nameOf(input: Record<string, unknown>): string {
    const name = str(input.Name) ?? "";
    if (!NAME.test(name))
      throw validation(
        "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+",
      );
    return name;
  }

  /** Validates a CreateSchedule/UpdateSchedule input into a record (nothing written). */
  function recordOf(input: Record<string, unknown>, created: number): ScheduleRecord {
    const Name = nameOf(input);
    const GroupName = groupNameOf(input);
    const ScheduleExpression = str(input.ScheduleExpression);
    if (!ScheduleExpression) throw validation("ScheduleExpression is required.");
    try {
      parseExpression(ScheduleExpression);
    } catch (error) {
      if (error instanceof InvalidExpressionError) throw validation(error.message);
      throw error;
    }
    const zone = str(input.ScheduleExpressionTimezone);
    if (zone !== undefined && !isTimeZone(zone)) throw validation(`Invalid timezone ${zone}.`);
    const StartDate = seconds(input.StartDate, "StartDate");
    const EndDate = seconds(input.EndDate, "EndDate");
    if (StartDate !== undefined && EndDate !== undefined && EndDate <= StartDate)
      throw validation("The EndDate you specify must be after the StartDate.");
    if (EndDate !== undefined && EndDate <= now())
      throw validation("The EndDate you specify cannot be earlier than the current time.");
    const State = str(input.State) ?? "ENABLED";
    if (State !== "ENABLED" && State !== "DISABLED") throw validation(`Invalid State ${State}.`);
    const action = str(input.ActionAfterCompletion) ?? "NONE";
    if (action !== "NONE" && action !== "DELETE")
      throw validation(`Invalid ActionAfterCompletion ${action}.`);
    const window = input.FlexibleTimeWindow as Record<string, unknown> | undefined;
    if (!window || typeof window !== "object") throw validation("FlexibleTimeWindow is required.");
    const mode = str(window.Mode);
    const minutes = window.MaximumWindowInMinutes;
    if (mode === "FLEXIBLE") {
      if (
        typeof minutes !== "number" ||
        !Number.isInteger(minutes) ||
        minutes < 1 ||
        minutes > 1440
      )
        throw validation(
          "MaximumWindowInMinutes must be between 1 and 1440 when FlexibleTimeWindow Mode is FLEXIBLE.",
        );
    } else if (mode === "OFF") {
      if (minutes !== undefined)
        throw validation(
          "MaximumWindowInMinutes is not allowed when FlexibleTimeWindow Mode is OFF.",
        );
    } else throw validation(`Invalid FlexibleTimeWindow Mode ${mode}.`);
    const target = input.Target as ScheduleTarget | undefined;
    if (!target || typeof target !== "object") throw validation("Target is required.");
    if (!str(target.Arn)) throw validation("Target Arn is required.");
    if (!str(target.RoleArn) || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(target.RoleArn))
      throw validation("Target RoleArn must be a valid IAM role ARN.");
    const age = target.RetryPolicy?.MaximumEventAgeInSeconds;
    if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 86_400))
      throw validation("MaximumEventAgeInSeconds must be between 60 and 86400.");
    const attempts = target.RetryPolicy?.MaximumRetryAttempts;
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 0 || attempts > 185))
      throw validation("MaximumRetryAttempts must be between 0 and 185.");
    const dlq = target.DeadLetterConfig?.Arn;
    if (dlq !== undefined && !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/.test(dlq))
      throw validation(`Invalid DeadLetterConfig Arn ${dlq}.`);
    if (str(input.Description) !== undefined && str(input.Description)!.length > 512)
      throw validation("Description must be at most 512 characters.");
    return {
      Name,
      GroupName,
      Arn: scheduleArn(scope, GroupName, Name),
      ScheduleExpression,
      ...(zone !== undefined ? { ScheduleExpressionTimezone: zone } : {}),
      ...(StartDate !== undefined ? { StartDate } : {}),
      ...(EndDate !== undefined ? { EndDate } : {}),
      ...(str(input.Description) !== undefined ? { Description: str(input.Description) } : {}),
      State,
      ...(str(input.KmsKeyArn) !== undefined ? { KmsKeyArn: str(input.KmsKeyArn) } : {}),
      Target: target,
      FlexibleTimeWindow:
        mode === "FLEXIBLE"
          ? { Mode: "FLEXIBLE", MaximumWindowInMinutes: minutes as number }
          : { Mode: "OFF" },
      ActionAfterCompletion: action,
      CreationDate: created,
      LastModificationDate: now(),
    };
  }

  const timingOf = (r: ScheduleRecord, expression: Expression) => ({
    expression,
    timeZone: r.ScheduleExpressionTimezone,
    startDate: r.StartDate,
    endDate: r.EndDate,
    createdAt: r.CreationDate,
  });
  /** A flexible window delays each invocation by a random time within it. */
  const jitter = (r: ScheduleRecord) =>
    r.FlexibleTimeWindow.Mode === "FLEXIBLE"
      ? Math.floor(random() * r.FlexibleTimeWindow.MaximumWindowInMinutes! * 60_000)
      : 0;

  /** The schedule's row with its first firing time from `from` (none while DISABLED). */
  function planned(record: ScheduleRecord, clientToken: string | null, from = now()): ScheduleRow {
    const expression = parseExpression(record.ScheduleExpression);
    // A one-time schedule whose time has passed fires at once, as AWS does.
    const next =
      expression.kind === "at"
        ? nextFireTime(timingOf(record, expression), Number.NEGATIVE_INFINITY)
        : nextFireTime(timingOf(record, expression), from, true);
    const nextAt = record.State === "ENABLED" ? (next ?? null) : null;
    return {
      record,
      clientToken,
      nextAt,
      fireAt: nextAt === null ? null : nextAt + jitter(record),
    };
  }

  function scheduleOut(r: ScheduleRecord) {
    return {
      ...r,
      StartDate: epoch(r.StartDate),
      EndDate: epoch(r.EndDate),
      CreationDate: epoch(r.CreationDate),
      LastModificationDate: epoch(r.LastModificationDate),
    };
  }
  const groupOut = (g: { name: string; arn: string; created: number; modified: number }) => ({
    Arn: g.arn,
    Name: g.name,
    State: "ACTIVE",
    CreationDate: epoch(g.created),
    LastModificationDate: epoch(g.modified),
  });
  function limitOf(input: Record<string, unknown>) {
    const raw = input.MaxResults;
    if (raw === undefined) return 100;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw validation("MaxResults must be between 1 and 100.");
    return n;
  }
  const invalidToken = () => validation("Invalid NextToken.");

  const api: Record<(typeof OPERATIONS)[number], (i: Record<string, unknown>) => unknown> = {
    CreateSchedule(input) {
      const record = recordOf(input, now());
      const token = str(input.ClientToken) ?? null;
      return store.transaction(() => {
        if (!store.getGroup(record.GroupName))
          throw notFound(`Schedule group ${record.GroupName} does not exist.`);
        const existing = store.getSchedule(record.GroupName, record.Name);
        if (existing) {
          // A retried request (same ClientToken) gets the same answer.
          if (token && existing.clientToken === token) return { ScheduleArn: existing.record.Arn };
          throw conflict(`Schedule ${record.Name} already exists.`);
        }
        // A rate schedule without StartDate invokes at once, then every period from its creation.
        store.putSchedule(planned(record, token, record.CreationDate));
        return { ScheduleArn: record.Arn };
      });
    },
    GetSchedule(input) {
      const name = nameOf(input);
      const row = store.getSchedule(groupNameOf(input), name);
      if (!row) throw notFound(`Schedule ${name} does not exist.`);
      return scheduleOut(row.record);
    },
    UpdateSchedule(input) {
      const name = nameOf(input);
      const group = groupNameOf(input);
      return store.transaction(() => {
        const existing = store.getSchedule(group, name);
        if (!existing) throw notFound(`Schedule ${name} does not exist.`);
        // UpdateSchedule replaces every field: what the request leaves out takes its default.
        const record = recordOf(input, existing.record.CreationDate);
        store.putSchedule(planned(record, str(input.ClientToken) ?? null));
        return { ScheduleArn: record.Arn };
      });
    },
    DeleteSchedule(input) {
      const name = nameOf(input);
      const group = groupNameOf(input);
      return store.transaction(() => {
        if (!store.getSchedule(group, name)) throw notFound(`Schedule ${name} does not exist.`);
        store.deleteSchedule(group, name);
        return {};
      });
    },
    ListSchedules(input) {
      const state = str(input.State);
      if (state !== undefined && state !== "ENABLED" && state !== "DISABLED")
        throw validation(`Invalid State ${state}.`);
      const group = str(input.GroupName);
      const prefix = str(input.NamePrefix) ?? "";
      const rows = store.listSchedules({ group, prefix, state });
      const { page, nextToken } = pageOfItems(
        rows,
        `ListSchedules|${group ?? ""}|${prefix}|${state ?? ""}`,
        limitOf(input),
        str(input.NextToken),
        invalidToken,
      );
      return {
        Schedules: page.map(({ record: r }) => ({
          Arn: r.Arn,
          Name: r.Name,
          GroupName: r.GroupName,
          State: r.State,
          CreationDate: epoch(r.CreationDate),
          LastModificationDate: epoch(r.LastModificationDate),
          Target: { Arn: r.Target.Arn },
        })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },
    CreateScheduleGroup(input) {
      const name = nameOf(input);
      const token = str(input.ClientToken) ?? null;
      return store.transaction(() => {
        const existing = store.getGroup(name);
        if (existing) {
          if (token && existing.clientToken === token) return { ScheduleGroupArn: existing.arn };
          throw conflict(`Schedule group ${name} already exists.`);
        }
        const arnOf = scheduleGroupArn(scope, name);
        store.putGroup({ name, arn: arnOf, created: now(), modified: now(), clientToken: token });
        return { ScheduleGroupArn: arnOf };
      });
    },
    GetScheduleGroup(input) {
      const name = nameOf(input);
      const g = store.getGroup(name);
      if (!g) throw notFound(`Schedule group ${name} does not exist.`);
      return groupOut(g);
    },
    DeleteScheduleGroup(input) {
      const name = nameOf(input);
      if (name === "default") throw validation("You cannot delete the default group.");
      return store.transaction(() => {
        if (!store.getGroup(name)) throw notFound(`Schedule group ${name} does not exist.`);
        // Deleting a group deletes its schedules.
        store.deleteGroup(name);
        return {};
      });
    },
    ListScheduleGroups(input) {
      const prefix = str(input.NamePrefix) ?? "";
      const { page, nextToken } = pageOfItems(
        store.listGroups(prefix),
        `ListScheduleGroups|${prefix}`,
        limitOf(input),
        str(input.NextToken),
        invalidToken,
      );
      return { ScheduleGroups: page.map(groupOut), ...(nextToken ? { NextToken: nextToken } : {}) };
    },
  };

  // --- firing ---------------------------------------------------------------

  const inFlight = new Set<number>();
  const running = new Set<Promise<void>>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  /** Turns every due schedule into an invocation and moves it to its next time, atomically. */
  function fireDue() {
    const at = now();
    for (const row of store.dueSchedules(at))
      store.transaction(() => {
        const current = store.getSchedule(row.record.GroupName, row.record.Name);
        if (!current || current.fireAt === null || current.fireAt > at) return;
        const r = current.record;
        store.addInvocation({
          scheduleArn: r.Arn,
          target: r.Target,
          payload: r.Target.Input ?? "{}",
          at,
        });
        const expression = parseExpression(r.ScheduleExpression);
        // Occurrences missed while the cloud was down fire once, late; the next is in the future.
        const next =
          expression.kind === "at"
            ? undefined
            : nextFireTime(timingOf(r, expression), Math.max(at, current.nextAt ?? at));
        if (next === undefined && r.ActionAfterCompletion === "DELETE")
          store.deleteSchedule(r.GroupName, r.Name);
        else
          store.putSchedule({
            ...current,
            nextAt: next ?? null,
            fireAt: next === undefined ? null : next + jitter(r),
          });
      });
  }

  const context = (i: InvocationRow) => ({ scheduleArn: i.scheduleArn, roleArn: i.target.RoleArn });

  async function attempt(i: InvocationRow) {
    if (i.stage === "target") {
      try {
        await options.deliver.invoke(i.target, i.payload, context(i));
        store.deleteInvocation(i.id);
        return;
      } catch (error) {
        const failure = classifyFailure(error);
        const policy = retryPolicyOf(i.target);
        const attempts = i.attempts + 1;
        const at = now();
        const tooOld = at - i.createdAt >= policy.MaximumEventAgeInSeconds * 1000;
        const exhausted = attempts > policy.MaximumRetryAttempts;
        if (!failure.permanent && !tooOld && !exhausted) {
          store.updateInvocation({
            ...i,
            attempts,
            nextAt: at + backoffDelay(attempts, baseDelay, maxDelay),
            errorCode: failure.code,
            errorMessage: failure.message,
          });
          return;
        }
        const dlq = i.target.DeadLetterConfig?.Arn;
        if (!dlq) {
          console.error(
            `[scheduler] ${i.scheduleArn}: invocation of ${i.target.Arn} dropped (${failure.code}: ${failure.message})`,
          );
          store.deleteInvocation(i.id);
          return;
        }
        i = {
          ...i,
          stage: "dlq",
          attempts: 0,
          nextAt: at,
          errorCode: failure.code,
          errorMessage: failure.message,
          exhaustedCondition: failure.permanent
            ? null
            : tooOld
              ? "MaximumEventAgeInSeconds"
              : "MaximumRetryAttempts",
          retryAttempts: i.attempts,
        };
        store.updateInvocation(i);
      }
    }
    // The dead-letter event: the target's input, the failure in message attributes.
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
    const attributes: Record<string, string> = {
      ERROR_CODE: i.errorCode ?? "",
      ERROR_MESSAGE: i.errorMessage ?? "",
      EXECUTION_ID: `${i.id}`,
      RETRY_ATTEMPTS: String(i.retryAttempts ?? 0),
      SCHEDULE_ARN: i.scheduleArn,
      TARGET_ARN: i.target.Arn,
      ...(i.exhaustedCondition ? { EXHAUSTED_RETRY_CONDITION: i.exhaustedCondition } : {}),
    };
    try {
      await options.deliver.deadLetter(
        i.target.DeadLetterConfig!.Arn!,
        i.payload,
        attributes,
        context(i),
      );
      store.deleteInvocation(i.id);
    } catch (error) {
      const attempts = i.attempts + 1;
      const failure = classifyFailure(error);
      if (failure.permanent || now() - i.createdAt >= 86_400_000) {
        console.error(
          `[scheduler] ${i.scheduleArn}: dead-letter event to ${i.target.DeadLetterConfig!.Arn} dropped (${failure.code}: ${failure.message})`,
        );
        store.deleteInvocation(i.id);
        return;
      }
      store.updateInvocation({
        ...i,
        attempts,
        nextAt: now() + backoffDelay(attempts, baseDelay, maxDelay),
      });
    }
  }

  /** Starts every invocation due now; resolves when those started are settled. */
  async function runDue() {
    if (closed) return;
    fireDue();
    const started: Promise<void>[] = [];
    for (const i of store.dueInvocations(now(), inFlight)) {
      inFlight.add(i.id);
      const p = attempt(i)
        .catch((error) => console.error(`[scheduler] invocation ${i.id} failed:`, error))
        .finally(() => {
          inFlight.delete(i.id);
          running.delete(p);
        });
      running.add(p);
      started.push(p);
    }
    await Promise.all(started);
  }

  function arm() {
    if (closed || options.autoStart === false) return;
    const due = store.nextDue();
    const wait = due === undefined ? pollMs : Math.max(0, Math.min(pollMs, due - now()));
    timer = setTimeout(() => {
      void runDue()
        .catch((error) => console.error("[scheduler] firing failed:", error))
        .finally(arm);
    }, wait);
    timer.unref?.();
  }
  arm();

  return {
    operations: OPERATIONS,
    async handle(operation, input): Promise<ApiResponse> {
      const op = api[operation as (typeof OPERATIONS)[number]];
      if (!op) throw new AwsError("UnknownOperationException", `Unknown operation ${operation}`);
      const body = op(input);
      // A schedule due now fires without waiting for the loop's next look.
      if (operation === "CreateSchedule" || operation === "UpdateSchedule") {
        clearTimeout(timer);
        arm();
      }
      return { status: 200, body };
    },
    runDue,
    async close() {
      closed = true;
      clearTimeout(timer);
      await Promise.all([...running]);
      store.close();
    },
  };
}
