import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../errors";
import type { AdminPorts } from "../ports";
import { errorResponses, jsonBody, newRouter, OrderIdParam } from "../router";
import { LogLine, OrderDetail, OrderStatus, OrderSummary } from "../schemas";

const isoDate = z.iso.datetime({ offset: true });

// Every list reads one GSI partition (byStatus, byCustomer, byCorrelation):
// exactly one of status / customerId / correlationId picks it. No scans.
const OrderQuery = z
  .object({
    status: OrderStatus.optional(),
    customerId: z.string().min(1).max(128).optional(),
    correlationId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/)
      .optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    nextToken: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .refine((q) => [q.status, q.customerId, q.correlationId].filter(Boolean).length === 1, {
    message: "give exactly one of status, customerId or correlationId",
    path: ["status"],
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    message: "`from` must be before `to`",
    path: ["to"],
  });

export const orderRoutes = (ports: AdminPorts) =>
  newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["orders"],
        summary:
          "Orders by status, customer or correlation id, within an optional date range (cursor pages)",
        request: { query: OrderQuery },
        responses: {
          200: jsonBody(
            z.object({ items: z.array(OrderSummary), nextToken: z.string().optional() }),
          ),
          ...errorResponses,
        },
      }),
      async (c) => {
        const page = await ports.orders.list(c.req.valid("query"));
        return c.json(
          { items: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{orderId}",
        tags: ["orders"],
        summary:
          "One order: items, payment, reservation, approval, notifications, ledger and its timeline",
        request: { params: OrderIdParam },
        responses: { 200: jsonBody(OrderDetail), ...errorResponses },
      }),
      async (c) => {
        const { orderId } = c.req.valid("param");
        const detail = await ports.orders.detail(orderId);
        if (!detail) throw notFound(`Order ${orderId}`);
        return c.json(detail, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{orderId}/logs",
        tags: ["orders"],
        summary: "Log lines of every invocation that carried the order's correlation id",
        request: { params: OrderIdParam },
        responses: {
          200: jsonBody(z.object({ correlationId: z.string(), lines: z.array(LogLine) })),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { orderId } = c.req.valid("param");
        const detail = await ports.orders.detail(orderId);
        if (!detail) throw notFound(`Order ${orderId}`);
        const { correlationId, createdAt } = detail.order;
        // From a minute before acceptance to now: a saga may wait a day for approval.
        const from = new Date(Date.parse(createdAt) - 60_000).toISOString();
        const lines = await ports.logs.byCorrelationId(correlationId, {
          from,
          to: new Date().toISOString(),
        });
        return c.json({ correlationId, lines }, 200);
      },
    );
