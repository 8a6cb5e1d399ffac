import { OpenAPIHono, z } from "@hono/zod-openapi";
import { OrderId } from "@orders/core/order";
import { ErrorBody } from "./schemas";
import type { AdminEnv } from "./types";

/** A sub-app whose validation failures reach the one `onError` as ZodErrors. */
export const newRouter = () =>
  new OpenAPIHono<AdminEnv>({
    defaultHook: (result) => {
      if (!result.success) throw result.error;
    },
  });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** The error responses every admin route can give. */
export const errorResponses = {
  400: errorResponse("Bad input (code VALIDATION_FAILED or a domain code)"),
  401: errorResponse("No verified token"),
  403: errorResponse("Not in the operator group"),
  404: errorResponse("Not found"),
  409: errorResponse("Conflict with the current state"),
  500: errorResponse("Unexpected failure"),
};

export const jsonBody = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonRequest = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const operatorActor = (username: string) => `operator:${username}`;

/** An order id in a route's path: core's OrderId, so a malformed one is a 400 before any read. */
export const OrderIdParam = z.object({
  orderId: OrderId.meta({
    param: { name: "orderId", in: "path" },
    example: "ord_0123456789abcdef0123456789abcdef",
  }),
});
