import type { APIGatewayProxyEventV2 } from "aws-lambda";

// Shared types of the admin API: the Hono environment (what `hono/aws-lambda`
// puts in `c.env`), the operator the auth middleware resolved, and the ports
// each route group talks to. Adapters live in `adapters/`; tests pass fakes.

export interface Operator {
  sub: string;
  username: string;
  groups: string[];
}

/** Only the part of the API Gateway v2 event the admin API reads. */
export type LambdaEvent = Pick<APIGatewayProxyEventV2, "requestContext"> & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

export interface AdminEnv {
  Bindings: { event?: LambdaEvent };
  Variables: { operator: Operator; requestId: string };
}

export interface SecurityLog {
  refused(event: {
    reason: "NO_CLAIMS" | "NOT_OPERATOR";
    method: string;
    path: string;
    sub?: string;
    groups?: string[];
    sourceIp?: string;
  }): void;
  action(event: { operator: string; action: string; target: string; details?: unknown }): void;
}
