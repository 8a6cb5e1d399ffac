import { createRoute, z } from "@hono/zod-openapi";
import { journalEntry } from "@orders/core/journal";
import { type DlqName, holdsServiceEvents, queues as topologyQueues } from "@orders/core/topology";
import { AdminError } from "../errors";
import type { AdminPorts } from "../ports";
import { errorResponses, jsonBody, jsonRequest, newRouter, operatorActor } from "../router";
import { DeadLetter, QueueDepth, RedriveRequest, RedriveResult } from "../schemas";
import type { SecurityLog } from "../types";

const dlqNames = Object.entries(topologyQueues)
  .filter(([, spec]) => spec.kind === "dlq")
  .map(([name]) => name) as [DlqName, ...DlqName[]];

const DlqParam = z.object({
  name: z
    .enum(dlqNames)
    .openapi({ param: { name: "name", in: "path" }, description: "A DLQ from the topology" }),
});

export const queueRoutes = (ports: AdminPorts, log: SecurityLog) =>
  newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["queues"],
        summary: "Every queue of the topology with its DLQ, depth and age of the oldest message",
        responses: { 200: jsonBody(z.object({ queues: z.array(QueueDepth) })), ...errorResponses },
      }),
      async (c) => c.json({ queues: await ports.queues.depths() }, 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{name}/messages",
        tags: ["queues"],
        summary:
          "Peek at a DLQ's messages with their error context (visibility 0: nothing is taken)",
        request: {
          params: DlqParam,
          query: z.object({ max: z.coerce.number().int().min(1).max(50).default(20) }),
        },
        responses: {
          200: jsonBody(z.object({ messages: z.array(DeadLetter) })),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { name } = c.req.valid("param");
        const { max } = c.req.valid("query");
        const letters = await ports.queues.peek(name, max);
        return c.json({ messages: await withConsumerErrors(ports.orders, letters) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{name}/redrive",
        tags: ["queues"],
        summary:
          "Redrive a DLQ: everything (StartMessageMoveTask) or selected messages (send to the source, then delete)",
        request: { params: DlqParam, body: jsonRequest(RedriveRequest) },
        responses: { 202: jsonBody(RedriveResult, "Redrive started"), ...errorResponses },
      }),
      async (c) => {
        const { name } = c.req.valid("param");
        const { messageIds } = c.req.valid("json");
        const operator = c.get("operator");
        if ((topologyQueues[name] as { catches: string }).catches === "stream-failures") {
          throw new AdminError(
            "REDRIVE_NOT_SUPPORTED",
            "StreamFailures holds stream record metadata, not events: re-publish from the order instead",
            409,
          );
        }
        if (holdsServiceEvents(name)) {
          throw new AdminError(
            "REDRIVE_NOT_SUPPORTED",
            `${name} holds AWS service events, which cannot be put on the bus: invoke the rule's target function with a letter's body instead`,
            409,
          );
        }
        const result = messageIds
          ? await ports.queues.redriveSelected(name, messageIds)
          : await ports.queues.redriveAll(name);
        log.action({
          operator: operator.username,
          action: "redrive",
          target: name,
          details: { mode: result.mode, moved: result.moved, messageIds },
        });
        await Promise.all(
          result.orders.map(({ orderId, correlationId }) =>
            ports.orders
              .journal(
                orderId,
                journalEntry({
                  kind: "REDRIVE",
                  message: `Redriven from ${name} by ${operator.username}`,
                  correlationId: correlationId ?? "unknown",
                  actor: operatorActor(operator.username),
                  data: { queue: name, mode: result.mode },
                }),
              )
              // A dead letter may name an order that never committed; the redrive still stands.
              .catch(() => undefined),
          ),
        );
        return c.json(result, 202);
      },
    );

/**
 * SQS moves a consumer's message to its DLQ without saying why; the consumer
 * that failed it the last time noted why on the order's timeline (a
 * DLQ_ARRIVAL entry naming the message). Each such letter gets that error.
 * Rule dead letters carry EventBridge's own error attributes and keep them.
 */
async function withConsumerErrors(orders: AdminPorts["orders"], letters: DeadLetter[]) {
  const details = new Map<string, ReturnType<AdminPorts["orders"]["detail"]>>();
  const detailOf = (orderId: string) => {
    if (!details.has(orderId))
      details.set(
        orderId,
        orders.detail(orderId).catch(() => undefined),
      );
    return details.get(orderId)!;
  };
  return Promise.all(
    letters.map(async (letter) => {
      if (letter.error.code || !letter.orderId) return letter;
      const noted = (await detailOf(letter.orderId))?.timeline.find(
        (e) => e.kind === "DLQ_ARRIVAL" && e.data?.messageId === letter.messageId,
      );
      if (!noted) return letter;
      return {
        ...letter,
        error: {
          ...letter.error,
          code: typeof noted.data?.error === "string" ? noted.data.error : "Error",
          message: typeof noted.data?.reason === "string" ? noted.data.reason : noted.message,
        },
      };
    }),
  );
}
