import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { EventEntry } from "./build";

// PutEvents takes at most 10 entries per call (seed §4.3) and can fail some of
// them (FailedEntryCount): send in chunks of ten and retry only the failed
// entries, with backoff. Resolves with each entry's outcome, in order.

export const PUT_EVENTS_MAX_ENTRIES = 10;

export type PublishOutcome = { ok: true; eventBridgeId: string } | { ok: false; error: string };

export interface PublishOptions {
  busName: string;
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The publisher's own trace header: used only for events whose order carries none. */
  traceHeader?: string;
}

export function chunk<T>(items: readonly T[], size = PUT_EVENTS_MAX_ENTRIES): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export async function publishEvents(
  client: Pick<EventBridgeClient, "send">,
  entries: readonly EventEntry[],
  options: PublishOptions,
): Promise<PublishOutcome[]> {
  const outcomes: PublishOutcome[] = entries.map(() => ({ ok: false, error: "not sent" }));
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const toRequest = (e: EventEntry): PutEventsRequestEntry => ({
    EventBusName: options.busName,
    Source: e.Source,
    DetailType: e.DetailType,
    Detail: e.Detail,
    Time: e.Time,
    // The order's own trace (kept from its ingress request), so the trace runs
    // on past the outbox; the publisher's only for an event without one.
    ...((e.traceHeader ?? options.traceHeader)
      ? { TraceHeader: e.traceHeader ?? options.traceHeader }
      : {}),
  });

  let pending = entries.map((_, i) => i);
  for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
    if (attempt > 1)
      await sleep((options.baseDelayMs ?? 100) * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    const failed: number[] = [];
    for (const batch of chunk(pending)) {
      try {
        const out = await client.send(
          new PutEventsCommand({ Entries: batch.map((i) => toRequest(entries[i]!)) }),
        );
        batch.forEach((index, position) => {
          const result = out.Entries?.[position];
          if (result?.EventId && !result.ErrorCode) {
            outcomes[index] = { ok: true, eventBridgeId: result.EventId };
          } else {
            outcomes[index] = {
              ok: false,
              error: `${result?.ErrorCode ?? "Unknown"}: ${result?.ErrorMessage ?? ""}`,
            };
            failed.push(index);
          }
        });
      } catch (error) {
        for (const index of batch) outcomes[index] = { ok: false, error: (error as Error).message };
        failed.push(...batch);
      }
    }
    pending = failed;
  }
  return outcomes;
}
