import { ApprovalRequest, recordPendingApproval } from "@orders/core/approval";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { documents } from "./lib/clients";
import { count, instrumented, recordLogger, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";
import { consumeSqsBatch } from "./lib/sqs-consumer";

// Seed §7.4: the saga's AwaitApproval task puts a message with its task token
// on the approvals queue and pauses. This stores the pending approval on the
// order (AWAITING_APPROVAL, deadline = requestedAt + timeoutSeconds) where
// the console lists it; an operator's decision resumes the saga
// (@orders/core/approval decideApproval). Idempotent on the task token.

async function recordHandler(record: SQSRecord) {
  const request = ApprovalRequest.parse(JSON.parse(record.body));
  const log = recordLogger(request.correlationId, { order_id: request.orderId });
  const result = await recordPendingApproval(
    { doc: documents, ordersTable: Resource.OrdersTable.name },
    request,
  );
  if (result.recorded) {
    count("ApprovalsRequested");
    log.info("approval requested", {
      deadlineFrom: request.requestedAt,
      timeoutSeconds: request.timeoutSeconds,
    });
  } else {
    log.warn("approval not recorded", { reason: result.reason });
  }
}

export const handler = async (event: SQSEvent, context?: Context) => {
  startInvocation(context, undefined);
  return instrumented(() =>
    consumeSqsBatch(event, context, recordHandler, {
      queueOf: () => "ApprovalsQueue",
      actor: "approvals-worker",
    }),
  );
};
