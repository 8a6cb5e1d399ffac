import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { decisionIn, deliverDecision } from "@orders/core/approval";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { documents, stepFunctions } from "./lib/clients";
import { count, instrumented, recordLogger, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";

// The outbox of operator decisions: the admin API's decision write (the commit
// point, task token kept on the order) reaches this function through the
// orders table's stream, filtered to approvals leaving PENDING. Each record's
// decision goes to the saga as SendTaskSuccess / SendTaskFailure; a failure
// is reported for that record only, so Lambda retries it (bisecting, then the
// StreamFailures destination). Delivering twice is harmless: the second call
// finds the task closed, and the execution's history says by what.

const processor = new BatchProcessor(EventType.DynamoDBStreams);

const image = (value: unknown) =>
  value ? unmarshall(value as Record<string, AttributeValue>) : undefined;

async function recordHandler(record: DynamoDBRecord) {
  const decision = decisionIn(image(record.dynamodb?.OldImage), image(record.dynamodb?.NewImage));
  if (!decision) return;
  const log = recordLogger(decision.correlationId, { order_id: decision.orderId });
  const result = await deliverDecision(
    { db: { doc: documents, ordersTable: Resource.OrdersTable.name }, sfn: stepFunctions },
    decision,
  );
  if (result.outcome === "delivered") {
    count("ApprovalsDelivered");
    log.info("decision delivered to the saga", { decision: decision.status });
  } else if (result.outcome === "already-closed") {
    log.info("the saga's task was already closed, not by a timeout: nothing to deliver", {
      decision: decision.status,
      callback: result.error,
    });
  } else {
    count("ApprovalsExpired");
    log.warn("the approval wait timed out before the decision reached it: EXPIRED", {
      decision: decision.status,
      callback: result.error,
      marked: result.marked,
    });
  }
}

export const handler = async (event: DynamoDBStreamEvent, context?: Context) => {
  startInvocation(context, undefined);
  return instrumented(() =>
    processPartialResponse(event, recordHandler, processor, ...(context ? [{ context }] : [])),
  );
};
