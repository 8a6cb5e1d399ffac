import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import type { DecisionToDeliver } from "./schema";

// Step Functions adapter for approvals: the task-token callback that resumes
// the saga's AwaitApproval state, and the execution history that tells why a
// task was closed.

export type Sfn = Pick<SFNClient, "send">;

/** SendTaskSuccess for an approval, SendTaskFailure (error "Rejected") for a rejection. */
export async function sendDecision(sfn: Sfn, decision: DecisionToDeliver): Promise<void> {
  if (decision.status === "APPROVED") {
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: decision.taskToken,
        output: JSON.stringify({
          approved: true,
          decidedBy: decision.decidedBy,
          decidedAt: decision.decidedAt,
          ...(decision.comment ? { comment: decision.comment } : {}),
        }),
      }),
    );
  } else {
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: decision.taskToken,
        error: "Rejected",
        cause: decision.comment
          ? `Rejected by ${decision.decidedBy}: ${decision.comment}`
          : `Rejected by ${decision.decidedBy}`,
      }),
    );
  }
}

/** The execution's whole history, every page. */
export async function executionHistory(sfn: Sfn, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: 1000,
        includeExecutionData: false,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
