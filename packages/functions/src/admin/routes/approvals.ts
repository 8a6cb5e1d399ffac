import { createRoute, z } from "@hono/zod-openapi";
import type { AdminPorts } from "../ports";
import { errorResponses, jsonBody, jsonRequest, newRouter, OrderIdParam } from "../router";
import { ApprovalView, DecisionRequest } from "../schemas";
import type { SecurityLog } from "../types";

export const approvalRoutes = (ports: AdminPorts, log: SecurityLog) =>
  newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["approvals"],
        summary:
          "Pending approvals (oldest first, so nearest deadline first) or the history of decisions",
        request: {
          query: z.object({
            state: z.enum(["pending", "decided"]).default("pending"),
            limit: z.coerce.number().int().min(1).max(100).default(50),
          }),
        },
        responses: { 200: jsonBody(z.object({ items: z.array(ApprovalView) })), ...errorResponses },
      }),
      async (c) => {
        const { state, limit } = c.req.valid("query");
        const items =
          state === "pending"
            ? await ports.approvals.pending()
            : await ports.approvals.history(limit);
        return c.json({ items }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{orderId}/decision",
        tags: ["approvals"],
        summary:
          "Approve or reject a flagged order. Answered once the decision is saved; the saga gets it shortly after, from the write's stream record. 409 when someone decided first or the deadline passed",
        request: { params: OrderIdParam, body: jsonRequest(DecisionRequest) },
        responses: { 200: jsonBody(ApprovalView), ...errorResponses },
      }),
      async (c) => {
        const { orderId } = c.req.valid("param");
        const { decision, comment } = c.req.valid("json");
        const operator = c.get("operator");
        const result = await ports.approvals.decide({
          orderId,
          decision,
          comment,
          operator: operator.username,
        });
        log.action({
          operator: operator.username,
          action: `approval-${decision.toLowerCase()}`,
          target: orderId,
          details: { comment },
        });
        return c.json(result, 200);
      },
    );
