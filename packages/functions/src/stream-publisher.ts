import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { plannedEntries, planRecord, publishPlanned, type TableChange } from "@orders/core/events";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { eventBridge } from "./lib/clients";
import { count, instrumented, logger, recordLogger, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";

// The transactional outbox's publisher (seed §8.2): the orders table's stream
// → the bus. What each record publishes and which records' events did not
// make it is core's (@orders/core/events outbox); this reports those records
// to Powertools, so Lambda retries from there.

const processor = new BatchProcessor(EventType.DynamoDBStreams);

const image = (value: unknown) =>
  value ? unmarshall(value as Record<string, AttributeValue>) : undefined;

const changeOf = (record: DynamoDBRecord): TableChange => ({
  eventName: record.eventName ?? "MODIFY",
  oldImage: image(record.dynamodb?.OldImage),
  newImage: image(record.dynamodb?.NewImage),
});

export const handler = async (event: DynamoDBStreamEvent, context?: Context) => {
  const planned = event.Records.map((record) => {
    try {
      return planRecord(changeOf(record));
    } catch (error) {
      return { error: error as Error };
    }
  });
  startInvocation(
    context,
    [...new Set(plannedEntries(planned).map((entry) => entry.correlationId))].join(",") ||
      undefined,
  );

  return instrumented(async () => {
    const outcomes = await publishPlanned(eventBridge, planned, {
      busName: Resource.Bus.name,
      traceHeader: process.env._X_AMZN_TRACE_ID,
    });
    const byRecord = new Map(event.Records.map((record, i) => [record, outcomes[i]!]));
    count("EventsPublished", outcomes.filter((o) => o.outcome === "published").length);

    const recordHandler = async (record: DynamoDBRecord) => {
      const result = byRecord.get(record);
      if (!result || result.outcome === "skipped") return;
      if (result.outcome === "invalid") {
        logger.error("stream record is not an order we can publish", { error: result.error });
        throw result.error;
      }
      const { entry } = result;
      const log = recordLogger(entry.correlationId, { order_id: entry.orderId });
      if (result.outcome === "failed") {
        log.error("event not published", { detailType: entry.DetailType, error: result.error });
        throw new Error(`PutEvents failed for ${entry.eventId}: ${result.error}`);
      }
      log.info("event published", {
        detailType: entry.DetailType,
        eventId: entry.eventId,
        eventBridgeId: result.eventBridgeId,
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
