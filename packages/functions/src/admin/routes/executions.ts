import { createRoute, z } from "@hono/zod-openapi";
import { journalEntry } from "@orders/core/journal";
import type { AdminPorts } from "../ports";
import { errorResponses, jsonBody, jsonRequest, newRouter, operatorActor } from "../router";
import {
  ExecutionCounts,
  ExecutionDetail,
  ExecutionStatus,
  ExecutionSummary,
  executionStatuses,
  StopExecutionRequest,
} from "../schemas";
import type { SecurityLog } from "../types";

const ArnParam = z.object({
  executionArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/, "an execution ARN")
    .openapi({
      param: { name: "executionArn", in: "path" },
      description: "URL-encoded execution ARN",
    }),
});

/** How many executions a count looks at per status; the console shows "100+" beyond. */
const COUNT_CAP = 100;

export const executionRoutes = (ports: AdminPorts, log: SecurityLog) =>
  newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["executions"],
        summary: "Saga executions, newest first, optionally by status (ListExecutions)",
        request: {
          query: z.object({
            status: ExecutionStatus.optional(),
            nextToken: z.string().max(2048).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(25),
          }),
        },
        responses: {
          200: jsonBody(
            z.object({
              items: z.array(ExecutionSummary),
              nextToken: z.string().optional(),
              /** The saga's state machine, as deployed: the console names it. */
              stateMachine: z.object({ name: z.string(), arn: z.string() }),
            }),
          ),
          ...errorResponses,
        },
      }),
      async (c) => {
        const query = c.req.valid("query");
        const page = await ports.executions.list(query);
        return c.json(
          {
            items: page.items,
            ...(page.nextToken ? { nextToken: page.nextToken } : {}),
            stateMachine: ports.executions.stateMachine(),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/counts",
        tags: ["executions"],
        summary: `Executions per status (each capped at ${COUNT_CAP})`,
        responses: { 200: jsonBody(ExecutionCounts), ...errorResponses },
      }),
      async (c) => {
        const pages = await Promise.all(
          executionStatuses.map((status) => ports.executions.list({ status, limit: COUNT_CAP })),
        );
        const counts = Object.fromEntries(
          executionStatuses.map((status, i) => [status, pages[i]!.items.length]),
        );
        const recentFailures = pages
          .filter((_, i) => ["FAILED", "TIMED_OUT", "ABORTED"].includes(executionStatuses[i]!))
          .flatMap((page) => page.items)
          .sort((a, b) => (b.stopDate ?? b.startDate).localeCompare(a.stopDate ?? a.startDate))
          .slice(0, 10);
        return c.json({ counts, cap: COUNT_CAP, recentFailures }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{executionArn}",
        tags: ["executions"],
        summary: "One execution with its state-by-state history (GetExecutionHistory)",
        request: { params: ArnParam },
        responses: { 200: jsonBody(ExecutionDetail), ...errorResponses },
      }),
      async (c) => c.json(await ports.executions.describe(c.req.valid("param").executionArn), 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{executionArn}/stop",
        tags: ["executions"],
        summary: "Stop a running execution (StopExecution); recorded on the order's timeline",
        request: { params: ArnParam, body: jsonRequest(StopExecutionRequest) },
        responses: {
          200: jsonBody(z.object({ stoppedAt: z.string() })),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { executionArn } = c.req.valid("param");
        const { cause } = c.req.valid("json");
        const operator = c.get("operator");
        const execution = await ports.executions.describe(executionArn);
        const result = await ports.executions.stop(executionArn, `${operator.username}: ${cause}`);
        log.action({
          operator: operator.username,
          action: "stop-execution",
          target: executionArn,
          details: { cause },
        });
        const input = (execution.input ?? {}) as { orderId?: string; correlationId?: string };
        if (input.orderId) {
          await ports.orders.journal(
            input.orderId,
            journalEntry({
              kind: "OPERATOR_ACTION",
              message: `Saga execution stopped by ${operator.username}: ${cause}`,
              correlationId: input.correlationId ?? "unknown",
              actor: operatorActor(operator.username),
              data: { action: "stop-execution", executionArn },
            }),
          );
        }
        return c.json(result, 200);
      },
    );
