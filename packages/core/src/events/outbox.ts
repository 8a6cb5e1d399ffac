import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { type EventEntry, eventFor } from "./build";
import { type PublishOptions, type PublishOutcome, publishEvents } from "./publisher";

// The transactional outbox (seed §8.2): every committed write to the orders
// table is a stream record. The INSERT of an order publishes OrderPlaced.v1; a
// status change publishes OrderStatusChanged.v1; any other write publishes
// nothing. A batch's events go out together (./publisher.ts), and each record
// gets the outcome of its own event back, so the stream publisher can report
// exactly the records whose event did not make it. Events are deterministic:
// a retried record publishes the same content again.

/** A stream record's change, images already unmarshalled. */
export interface TableChange {
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  oldImage: Record<string, unknown> | undefined;
  newImage: Record<string, unknown> | undefined;
}

/** What a record publishes: an event, nothing, or an error (an image that is not an order). */
export type PlannedRecord = { entry: EventEntry } | { skip: true } | { error: Error };

export function planRecord(change: TableChange): PlannedRecord {
  try {
    const entry = eventFor(change.eventName, change.oldImage, change.newImage);
    return entry ? { entry } : { skip: true };
  } catch (error) {
    return { error: error as Error };
  }
}

export type RecordOutcome =
  | { outcome: "skipped" }
  | { outcome: "invalid"; error: Error }
  | { outcome: "published"; entry: EventEntry; eventBridgeId: string }
  | { outcome: "failed"; entry: EventEntry; error: string };

/**
 * Each planned record's outcome, in the records' order: `published` holds one
 * outcome per planned entry, in the order the entries were sent (the records'
 * order, skipping those without an entry).
 */
export function matchOutcomes(
  planned: readonly PlannedRecord[],
  published: readonly PublishOutcome[],
): RecordOutcome[] {
  let next = 0;
  return planned.map((p): RecordOutcome => {
    if ("skip" in p) return { outcome: "skipped" };
    if ("error" in p) return { outcome: "invalid", error: p.error };
    const result = published[next++];
    return result?.ok
      ? { outcome: "published", entry: p.entry, eventBridgeId: result.eventBridgeId }
      : { outcome: "failed", entry: p.entry, error: result?.error ?? "not sent" };
  });
}

/** The entries planned records publish, in order. */
export const plannedEntries = (planned: readonly PlannedRecord[]): EventEntry[] =>
  planned.flatMap((p) => ("entry" in p ? [p.entry] : []));

/** Publish the batch's events and give each record its outcome. */
export async function publishPlanned(
  client: Pick<EventBridgeClient, "send">,
  planned: readonly PlannedRecord[],
  options: PublishOptions,
): Promise<RecordOutcome[]> {
  const published = await publishEvents(client, plannedEntries(planned), options);
  return matchOutcomes(planned, published);
}

/**
 * An event as the outbox's pipe carries it from its enrichment to the bus: the
 * pipe's target reads `detailType`, `source` and `time` per event and sends
 * `detail` as the event's detail, so the bus gets what publishEvents sends.
 */
export interface PipeEvent {
  source: string;
  detailType: string;
  time: string;
  detail: Record<string, unknown>;
  eventId: string;
  correlationId: string;
}

export const pipeEventOf = (entry: EventEntry): PipeEvent => ({
  source: entry.Source,
  detailType: entry.DetailType,
  time: entry.Time.toISOString(),
  detail: JSON.parse(entry.Detail) as Record<string, unknown>,
  eventId: entry.eventId,
  correlationId: entry.correlationId,
});

/**
 * The pipe's events for a batch of changes, in order: one per record that
 * publishes, none for the others. A record that is not an order throws, so the
 * pipe retries, bisects and sends the poison record to its failure queue, as
 * the stream publisher's mapping does.
 */
export function pipeEventsFor(changes: readonly TableChange[]): PipeEvent[] {
  return changes.flatMap((change) => {
    const planned = planRecord(change);
    if ("error" in planned) throw planned.error;
    return "entry" in planned ? [pipeEventOf(planned.entry)] : [];
  });
}
