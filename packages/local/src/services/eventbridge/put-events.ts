// PutEvents: request-level limits (10 entries, 256 KB per entry, 1 MB in total, sized as AWS
// documents) reject the whole call before anything is written; entry-level problems fail
// only that entry. Accepted entries are routed and committed in one transaction first.
import { randomUUID } from "node:crypto";
import { busNameOf } from "../../protocol";
import { validationError } from "./errors";
import { type Context, formatTime, routeEvent } from "./routing";
import type { PutEventsResult } from "./types";

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;
const MAX_REQUEST_BYTES = 1024 * 1024;

const bytes = (s: unknown) => (typeof s === "string" ? Buffer.byteLength(s, "utf8") : 0);

/** AWS's PutEvents entry size: Time counts 14 bytes, then the UTF-8 of the text fields. */
export function entrySize(entry: Record<string, unknown>): number {
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) size += bytes(r);
  return size;
}

function timeOf(value: unknown, now: number): number | null {
  if (value === undefined || value === null) return now;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" && Number.isFinite(value)) return value * 1000;
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return null;
}

type Entry = Record<string, unknown>;
type Outcome = PutEventsResult["Entries"][number];

function entryError(code: string, message: string): Outcome {
  return { ErrorCode: code, ErrorMessage: message };
}

function buildEvent(
  ctx: Context,
  entry: Entry,
): { bus: string; event: Record<string, unknown> } | Outcome {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (typeof entry[field] !== "string" || entry[field] === "")
      return entryError(
        "InvalidArgument",
        `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      );
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return entryError("MalformedDetail", "Detail is malformed.");
  }
  if (typeof detail !== "object" || detail === null || Array.isArray(detail))
    return entryError("MalformedDetail", "Detail is malformed.");
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === "string"))
    return entryError("InvalidArgument", "Parameter Resources is not valid.");
  const time = timeOf(entry.Time, ctx.now());
  if (time === null) return entryError("InvalidArgument", "Parameter Time is not valid.");
  const bus = busNameOf(typeof entry.EventBusName === "string" ? entry.EventBusName : undefined);
  if (!ctx.store.getBus(bus))
    return entryError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);
  return {
    bus,
    event: {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      account: ctx.scope.accountId,
      time: formatTime(time),
      region: ctx.scope.region,
      resources,
      detail,
    },
  };
}

export function putEvents(ctx: Context, entries: Entry[]): PutEventsResult {
  if (entries.length > MAX_ENTRIES)
    throw validationError(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  const sizes = entries.map(entrySize);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => s > MAX_ENTRY_BYTES) || total > MAX_REQUEST_BYTES)
    throw validationError("Total size of the entries in the request is over the limit.");

  const built = entries.map((e) => buildEvent(ctx, e));
  let routed = 0;
  ctx.store.transaction(() => {
    for (const b of built)
      if ("event" in b) routed += routeEvent(ctx, b.bus, b.event, { archive: true });
  });
  if (routed > 0) ctx.worker.kick();
  const out: Outcome[] = built.map((b) => ("event" in b ? { EventId: b.event.id as string } : b));
  return { FailedEntryCount: out.filter((o) => o.ErrorCode).length, Entries: out };
}
