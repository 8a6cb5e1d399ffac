import { groupsOf, ListClaim } from "@orders/core/auth";
import { createMiddleware } from "hono/factory";
import { AdminError } from "./errors";
import type { AdminEnv, SecurityLog } from "./types";

// The operator group is checked here, not by the gateway: API Gateway's JWT
// authorizer only verifies the token and its scopes. It hands the claims over
// as strings, and a list claim such as `cognito:groups` arrives rendered as
// "[ops other]" (several groups) or "ops" (one): core's GroupsClaim reads both.

/** The groups claim in any of its shapes (@orders/core/auth). */
export const parseGroups = (claim: unknown): string[] => ListClaim.parse(claim);

export const requireOperator = (operatorGroup: () => string, log: SecurityLog) =>
  createMiddleware<AdminEnv>(async (c, next) => {
    const claims = c.env?.event?.requestContext?.authorizer?.jwt?.claims;
    const sourceIp = (c.env?.event?.requestContext as { http?: { sourceIp?: string } } | undefined)
      ?.http?.sourceIp;
    const where = { method: c.req.method, path: c.req.path, sourceIp };
    const sub = typeof claims?.sub === "string" ? claims.sub : undefined;
    if (!claims || !sub) {
      log.refused({ reason: "NO_CLAIMS", ...where });
      throw new AdminError("UNAUTHORIZED", "Sign in first: no verified token claims", 401);
    }
    const groups = groupsOf(claims);
    if (!groups.includes(operatorGroup())) {
      log.refused({ reason: "NOT_OPERATOR", sub, groups, ...where });
      throw new AdminError(
        "FORBIDDEN",
        `Operators only: the ${operatorGroup()} group is required`,
        403,
      );
    }
    const username =
      (claims.username as string | undefined) ??
      (claims["cognito:username"] as string | undefined) ??
      sub;
    c.set("operator", { sub, username, groups });
    await next();
  });
