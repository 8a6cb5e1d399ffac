import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
  type ExecutionStatus as SfnStatus,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { foldHistory } from "../execution-history";
import type { ExecutionsPort } from "../ports";
import type { ExecutionSummary } from "../schemas";

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

export function sfnExecutions(deps: {
  sfn: SFNClient;
  stateMachineArn: () => string;
}): ExecutionsPort {
  return {
    stateMachine() {
      const arn = deps.stateMachineArn();
      return { name: arn.slice(arn.lastIndexOf(":") + 1), arn };
    },
    async list({ status, nextToken, limit }) {
      const page = await deps.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: deps.stateMachineArn(),
          statusFilter: status as SfnStatus | undefined,
          maxResults: limit,
          nextToken,
        }),
      );
      return {
        items: (page.executions ?? []).map(
          (e): ExecutionSummary => ({
            executionArn: e.executionArn ?? "",
            name: e.name ?? "",
            status: (e.status ?? "RUNNING") as ExecutionSummary["status"],
            startDate: iso(e.startDate) ?? new Date(0).toISOString(),
            stopDate: iso(e.stopDate),
          }),
        ),
        nextToken: page.nextToken,
      };
    },

    async describe(executionArn) {
      const [execution, events] = await Promise.all([
        deps.sfn.send(new DescribeExecutionCommand({ executionArn })),
        (async () => {
          const all: HistoryEvent[] = [];
          let nextToken: string | undefined;
          do {
            const page = await deps.sfn.send(
              new GetExecutionHistoryCommand({
                executionArn,
                maxResults: 1000,
                nextToken,
                includeExecutionData: true,
              }),
            );
            all.push(...(page.events ?? []));
            nextToken = page.nextToken;
          } while (nextToken);
          return all;
        })(),
      ]);
      return {
        executionArn,
        name: execution.name ?? "",
        status: (execution.status ?? "RUNNING") as ExecutionSummary["status"],
        startDate: iso(execution.startDate) ?? new Date(0).toISOString(),
        stopDate: iso(execution.stopDate),
        input: parse(execution.input),
        output: parse(execution.output),
        error: execution.error ?? null,
        cause: execution.cause ?? null,
        states: foldHistory(events as unknown as Parameters<typeof foldHistory>[0]),
      };
    },

    async stop(executionArn, cause) {
      const { stopDate } = await deps.sfn.send(
        new StopExecutionCommand({
          executionArn,
          error: "OperatorStopped",
          cause: cause.slice(0, 32_000),
        }),
      );
      return { stoppedAt: (stopDate ?? new Date()).toISOString() };
    },
  };
}
