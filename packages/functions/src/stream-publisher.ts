import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type EventEntry, eventFor, publishEvents } from "@orders/core/events";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { eventBridge } from "./lib/clients";
import { count, instrumented, logger, recordLogger, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";

// The transactional outbox (seed §8.2): every committed write to the orders
// table reaches this function through the stream. The INSERT of an order
// publishes OrderPlaced.v1; a status change publishes OrderStatusChanged.v1.
// The batch's events go out together (PutEvents ≤ 10 per call, failed entries
// retried), then Powertools reports the records whose event did not make it,
// so Lambda retries from there. Events are deterministic: a retried record
// publishes the same content again, which consumers de-duplicate.

const processor = new BatchProcessor(EventType.DynamoDBStreams);

type Prepared = { entry: EventEntry } | { skip: true } | { error: Error };

function prepare(record: DynamoDBRecord): Prepared {
  try {
    const image = (value: unknown) =>
      value ? unmarshall(value as Record<string, AttributeValue>) : undefined;
    const entry = eventFor(
      record.eventName ?? "MODIFY",
      image(record.dynamodb?.OldImage),
      image(record.dynamodb?.NewImage),
    );
    return entry ? { entry } : { skip: true };
  } catch (error) {
    return { error: error as Error };
  }
}

export const handler = async (event: DynamoDBStreamEvent, context?: Context) => {
  const prepared = new Map<DynamoDBRecord, Prepared>(event.Records.map((r) => [r, prepare(r)]));
  const toPublish = [...prepared.entries()].flatMap(([record, p]) =>
    "entry" in p ? [{ record, entry: p.entry }] : [],
  );
  startInvocation(
    context,
    [...new Set(toPublish.map((p) => p.entry.correlationId))].join(",") || undefined,
  );

  return instrumented(async () => {
    const outcomes = await publishEvents(
      eventBridge,
      toPublish.map((p) => p.entry),
      { busName: Resource.Bus.name, traceHeader: process.env._X_AMZN_TRACE_ID },
    );
    const results = new Map(toPublish.map((p, i) => [p.record, outcomes[i]!]));
    count("EventsPublished", outcomes.filter((o) => o.ok).length);

    const recordHandler = async (record: DynamoDBRecord) => {
      const p = prepared.get(record);
      if (!p || "skip" in p) return;
      if ("error" in p) {
        logger.error("stream record is not an order we can publish", { error: p.error });
        throw p.error;
      }
      const log = recordLogger(p.entry.correlationId, { order_id: p.entry.orderId });
      const outcome = results.get(record);
      if (!outcome?.ok) {
        log.error("event not published", { detailType: p.entry.DetailType, error: outcome?.error });
        throw new Error(`PutEvents failed for ${p.entry.eventId}: ${outcome?.error}`);
      }
      log.info("event published", {
        detailType: p.entry.DetailType,
        eventId: p.entry.eventId,
        eventBridgeId: outcome.eventBridgeId,
      });
    };
    return processPartialResponse(
      event,
      recordHandler,
      processor,
      ...(context ? [{ context }] : []),
    );
  });
};
