import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type PipeEvent, pipeEventsFor, type TableChange } from "@orders/core/events";
import type { DynamoDBRecord } from "aws-lambda";
import { logger } from "./lib/observability";

// OrdersPipe's enrichment (topology `pipes.OrdersPipe`, used when
// derivedEvents.via is "pipe"): EventBridge Pipes invokes it synchronously with
// the filtered batch of orders stream records and sends its answer to the bus,
// one event per element. The events are core's outbox events, the very ones the
// stream publisher sends; this function calls no AWS API.

const image = (value: unknown) =>
  value ? unmarshall(value as Record<string, AttributeValue>) : undefined;

const changeOf = (record: DynamoDBRecord): TableChange => ({
  eventName: record.eventName ?? "MODIFY",
  oldImage: image(record.dynamodb?.OldImage),
  newImage: image(record.dynamodb?.NewImage),
});

export const handler = async (records: DynamoDBRecord[]): Promise<PipeEvent[]> => {
  try {
    return pipeEventsFor(records.map(changeOf));
  } catch (error) {
    logger.error("stream record is not an order we can publish", { error });
    throw error;
  }
};
