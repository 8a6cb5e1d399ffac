// Archives and replays. A replay walks the archive window in sequence order, in batches; each
// batch's deliveries and the replay's cursor commit together, so a restart resumes where it
// stopped without replaying an event twice.

import {
  archiveArn,
  eventBusArn as busArn,
  busNameOf,
  pageOfItems,
  replayArn,
} from "../../protocol";
import * as Api from "./api-schemas";
import { apiError, invalidNextToken, notFound, validationError } from "./errors";
import { parsePattern } from "./pattern";
import { type Context, routeEvent } from "./routing";
import type { ArchiveRecord, ReplayRecord } from "./types";

const REPLAY_BATCH = 100;
const DAY_MS = 86_400_000;
const secs = (ms: number | null) => (ms === null ? undefined : ms / 1000);

function busOfArn(ctx: Context, arn: string): string | null {
  const name = busNameOf(arn);
  return name !== arn && ctx.store.getBus(name) ? name : null;
}

function purgeExpired(ctx: Context, archive: ArchiveRecord) {
  if (archive.retentionDays > 0)
    ctx.store.purgeArchive(archive.name, ctx.now() - archive.retentionDays * DAY_MS);
}

function describeArchive(ctx: Context, a: ArchiveRecord) {
  purgeExpired(ctx, a);
  const stats = ctx.store.archiveStats(a.name);
  return {
    ArchiveArn: a.arn,
    ArchiveName: a.name,
    EventSourceArn: a.sourceArn,
    Description: a.description ?? undefined,
    EventPattern: a.eventPattern ?? undefined,
    State: a.state,
    RetentionDays: a.retentionDays,
    SizeBytes: stats.bytes,
    EventCount: stats.count,
    CreationTime: a.created / 1000,
  };
}

export function createArchive(ctx: Context, body: unknown) {
  const input = Api.parseInput(Api.CreateArchive, body);
  if (!busOfArn(ctx, input.EventSourceArn))
    throw notFound(`Event bus ${busNameOf(input.EventSourceArn)} does not exist.`);
  if (input.EventPattern !== undefined) parsePattern(input.EventPattern);
  if (ctx.store.getArchive(input.ArchiveName))
    throw apiError(
      "ResourceAlreadyExistsException",
      `Archive ${input.ArchiveName} already exists.`,
    );
  const archive: ArchiveRecord = {
    name: input.ArchiveName,
    arn: archiveArn(ctx.scope, input.ArchiveName),
    sourceArn: input.EventSourceArn,
    description: input.Description ?? null,
    eventPattern: input.EventPattern ?? null,
    retentionDays: input.RetentionDays ?? 0,
    state: "ENABLED",
    created: ctx.now(),
  };
  ctx.store.insertArchive(archive);
  ctx.routes.invalidate();
  return { ArchiveArn: archive.arn, State: archive.state, CreationTime: archive.created / 1000 };
}

function archiveOrThrow(ctx: Context, name: string) {
  const archive = ctx.store.getArchive(name);
  if (!archive) throw notFound(`Archive ${name} does not exist.`);
  return archive;
}

export function describeArchiveAction(ctx: Context, body: unknown) {
  const { ArchiveName } = Api.parseInput(Api.ArchiveRef, body);
  return describeArchive(ctx, archiveOrThrow(ctx, ArchiveName));
}

export function deleteArchive(ctx: Context, body: unknown) {
  const { ArchiveName } = Api.parseInput(Api.ArchiveRef, body);
  archiveOrThrow(ctx, ArchiveName);
  ctx.store.transaction(() => ctx.store.deleteArchive(ArchiveName));
  ctx.routes.invalidate();
  return {};
}

export function listArchives(ctx: Context, body: unknown) {
  const input = Api.parseInput(Api.ListArchives, body);
  const all = ctx.store
    .listArchives()
    .filter((a) => !input.NamePrefix || a.name.startsWith(input.NamePrefix))
    .filter((a) => !input.EventSourceArn || a.sourceArn === input.EventSourceArn)
    .filter((a) => !input.State || a.state === input.State);
  const { page, nextToken: NextToken } = pageOfItems(
    all,
    "archives",
    input.Limit ?? 100,
    input.NextToken,
    invalidNextToken,
  );
  return {
    Archives: page.map((a) => {
      const { Description: _d, EventPattern: _p, ...summary } = describeArchive(ctx, a);
      return summary;
    }),
    NextToken,
  };
}

function describeReplay(r: ReplayRecord) {
  return {
    ReplayName: r.name,
    ReplayArn: r.arn,
    Description: r.description ?? undefined,
    State: r.state,
    StateReason: r.stateReason ?? undefined,
    EventSourceArn: r.archiveArn,
    Destination: r.destination,
    EventStartTime: r.eventStart / 1000,
    EventEndTime: r.eventEnd / 1000,
    EventLastReplayedTime: secs(r.lastReplayed),
    ReplayStartTime: r.replayStart / 1000,
    ReplayEndTime: secs(r.replayEnd),
  };
}

export function startReplay(ctx: Context, body: unknown) {
  const input = Api.parseInput(Api.StartReplay, body);
  const archive = ctx.store.listArchives().find((a) => a.arn === input.EventSourceArn);
  if (!archive) throw notFound(`Archive ${input.EventSourceArn.split("/").pop()} does not exist.`);
  const start = Math.round(input.EventStartTime * 1000);
  const end = Math.round(input.EventEndTime * 1000);
  if (end <= start) throw validationError("EventEndTime must be after EventStartTime.");
  const bus = busOfArn(ctx, input.Destination.Arn);
  if (!bus) throw notFound(`Event bus ${busNameOf(input.Destination.Arn)} does not exist.`);
  if (busArn(ctx.scope, bus) !== archive.sourceArn)
    throw validationError(
      "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
    );
  for (const filter of input.Destination.FilterArns ?? []) {
    if (!ctx.store.listRules(bus).some((r) => r.arn === filter))
      throw notFound(`Rule ${filter.split("/").pop()} does not exist on EventBus ${bus}.`);
  }
  if (ctx.store.getReplay(input.ReplayName))
    throw apiError("ResourceAlreadyExistsException", `Replay ${input.ReplayName} already exists.`);
  const replay: ReplayRecord = {
    name: input.ReplayName,
    arn: replayArn(ctx.scope, input.ReplayName),
    archiveArn: archive.arn,
    description: input.Description ?? null,
    destination: input.Destination,
    eventStart: start,
    eventEnd: end,
    state: "STARTING",
    stateReason: null,
    replayStart: ctx.now(),
    replayEnd: null,
    lastReplayed: null,
    cursor: 0,
  };
  ctx.store.insertReplay(replay);
  scheduleReplay(ctx, replay.name);
  return {
    ReplayArn: replay.arn,
    State: replay.state,
    ReplayStartTime: replay.replayStart / 1000,
  };
}

function replayOrThrow(ctx: Context, name: string) {
  const replay = ctx.store.getReplay(name);
  if (!replay) throw notFound(`Replay ${name} does not exist.`);
  return replay;
}

export function describeReplayAction(ctx: Context, body: unknown) {
  const { ReplayName } = Api.parseInput(Api.ReplayRef, body);
  return describeReplay(replayOrThrow(ctx, ReplayName));
}

export function cancelReplay(ctx: Context, body: unknown) {
  const { ReplayName } = Api.parseInput(Api.ReplayRef, body);
  const replay = replayOrThrow(ctx, ReplayName);
  if (replay.state !== "STARTING" && replay.state !== "RUNNING")
    throw apiError("IllegalStatusException", `Replay ${ReplayName} is not running.`);
  ctx.store.updateReplay({ ...replay, state: "CANCELLING" });
  scheduleReplay(ctx, ReplayName);
  return { ReplayArn: replay.arn, State: "CANCELLING" };
}

export function listReplays(ctx: Context, body: unknown) {
  const input = Api.parseInput(Api.ListReplays, body);
  const all = ctx.store
    .listReplays()
    .filter((r) => !input.NamePrefix || r.name.startsWith(input.NamePrefix))
    .filter((r) => !input.State || r.state === input.State)
    .filter((r) => !input.EventSourceArn || r.archiveArn === input.EventSourceArn);
  const { page, nextToken: NextToken } = pageOfItems(
    all,
    "replays",
    input.Limit ?? 100,
    input.NextToken,
    invalidNextToken,
  );
  return {
    Replays: page.map((r) => {
      const { Description: _d, Destination: _dest, ...summary } = describeReplay(r);
      return summary;
    }),
    NextToken,
  };
}

const running = new WeakMap<Context, Set<string>>();

/** Runs (or resumes) a replay in the background, one committed batch at a time. */
export function scheduleReplay(ctx: Context, name: string) {
  const active = running.get(ctx) ?? new Set<string>();
  running.set(ctx, active);
  if (active.has(name)) return;
  active.add(name);
  const step = () => {
    try {
      if (ctx.worker.isClosed() || !advanceReplay(ctx, name)) {
        active.delete(name);
        return;
      }
      setImmediate(step);
    } catch (err) {
      active.delete(name);
      if (ctx.worker.isClosed()) return;
      const replay = ctx.store.getReplay(name);
      if (replay)
        ctx.store.updateReplay({
          ...replay,
          state: "FAILED",
          stateReason: (err as Error).message,
          replayEnd: ctx.now(),
        });
    }
  };
  setImmediate(step);
}

/** One batch; returns whether more work remains. */
function advanceReplay(ctx: Context, name: string): boolean {
  const replay = ctx.store.getReplay(name);
  if (!replay) return false;
  if (replay.state === "CANCELLING") {
    ctx.store.updateReplay({ ...replay, state: "CANCELLED", replayEnd: ctx.now() });
    return false;
  }
  if (replay.state !== "STARTING" && replay.state !== "RUNNING") return false;
  const archive = ctx.store.listArchives().find((a) => a.arn === replay.archiveArn);
  const bus = busNameOf(replay.destination.Arn);
  if (!archive || !ctx.store.getBus(bus)) {
    ctx.store.updateReplay({
      ...replay,
      state: "FAILED",
      stateReason: "The archive or the destination event bus no longer exists.",
      replayEnd: ctx.now(),
    });
    return false;
  }
  const rows = ctx.store.archivedWindow(
    archive.name,
    replay.eventStart,
    replay.eventEnd,
    replay.cursor,
    REPLAY_BATCH,
  );
  if (rows.length === 0) {
    ctx.store.updateReplay({ ...replay, state: "COMPLETED", replayEnd: ctx.now() });
    return false;
  }
  const filter = replay.destination.FilterArns?.length
    ? new Set(replay.destination.FilterArns)
    : undefined;
  let routed = 0;
  ctx.store.transaction(() => {
    for (const row of rows) {
      const event = { ...(JSON.parse(row.event) as Record<string, unknown>), "replay-name": name };
      routed += routeEvent(ctx, bus, event, { ruleArns: filter, archive: false });
    }
    const last = rows[rows.length - 1]!;
    ctx.store.updateReplay({
      ...replay,
      state: "RUNNING",
      cursor: last.seq,
      lastReplayed: last.time,
    });
  });
  if (routed > 0) ctx.worker.kick();
  return true;
}

/** After a restart: continue every replay that had not finished. */
export function resumeReplays(ctx: Context) {
  for (const r of ctx.store.listReplays())
    if (r.state === "STARTING" || r.state === "RUNNING" || r.state === "CANCELLING")
      scheduleReplay(ctx, r.name);
}
