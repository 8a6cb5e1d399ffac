import { createRoute, z } from "@hono/zod-openapi";
import type { AdminPorts } from "../ports";
import { errorResponses, jsonBody, jsonRequest, newRouter } from "../router";
import { ReplayRequest, ReplaySummary } from "../schemas";
import type { SecurityLog } from "../types";

export const eventRoutes = (ports: AdminPorts, log: SecurityLog) =>
  newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/replays",
        tags: ["events"],
        summary: "Replays of the bus archive, newest first",
        responses: {
          200: jsonBody(z.object({ replays: z.array(ReplaySummary) })),
          ...errorResponses,
        },
      }),
      async (c) => c.json({ replays: await ports.events.listReplays() }, 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/replays",
        tags: ["events"],
        summary:
          "Replay archived events in a time window to the rules that match the chosen detail-types (StartReplay with FilterArns)",
        request: { body: jsonRequest(ReplayRequest) },
        responses: { 202: jsonBody(ReplaySummary, "Replay started"), ...errorResponses },
      }),
      async (c) => {
        const request = c.req.valid("json");
        const operator = c.get("operator");
        const name = `ops-${operator.username.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 20)}-${Date.now()}`;
        const replay = await ports.events.startReplay({ ...request, name });
        log.action({
          operator: operator.username,
          action: "start-replay",
          target: name,
          details: request,
        });
        return c.json(replay, 202);
      },
    );
