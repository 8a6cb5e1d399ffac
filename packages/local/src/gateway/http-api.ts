import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type Context, Hono } from "hono";
import type { JSONWebKeySet } from "jose";
import { createJwtAuthorizer } from "./authorizer";
import { createCorsPolicy } from "./cors";
import { buildEvent } from "./event";
import { toResponse } from "./response";
import { createRouteTable } from "./routes";
import { createThrottler } from "./throttle";
import type { CorsSpec, HttpRouteSpec, Invoke, Throttle } from "./types";

// The local HTTP API: API Gateway v2's request path for Lambda proxy routes.
// In order: CORS preflight answered by the gateway; route selection (404);
// per-route throttling (429); the JWT authorizer (401/403); the payload 2.0
// event to the route's function; its result mapped back (500 when the
// function fails or answers nonsense, 503 when it outlives the integration
// timeout). Every response carries `apigw-requestid`. Group checks are not
// here: as on AWS, the admin API does them.

export interface HttpApiOptions {
  /** The topology's `api.routes`: "METHOD /path" → function, scopes, throttle, auth. */
  routes: Record<string, HttpRouteSpec>;
  cors?: CorsSpec;
  /** The stage's default throttle, for routes without their own. */
  defaultThrottle: Throttle;
  /** The authorizer's issuer, e.g. the local provider's `<origin>/auth`. */
  issuer: string;
  /** The authorizer's audience(s): the app client id. */
  audience: string | readonly string[];
  /** The issuer's public keys (the local provider's, so no fetch). */
  jwks: JSONWebKeySet;
  invoke: Invoke;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
  /** API Gateway's integration timeout: 30 s, its maximum for HTTP APIs. */
  integrationTimeoutMs?: number;
  /** HTTP API payload limit: 10 MB. */
  maxBodyBytes?: number;
  accountId?: string;
  apiId?: string;
}

const message = (c: Context, status: 401 | 403 | 404 | 413 | 429 | 500 | 503, text: string) =>
  c.json({ message: text }, status);

/** API Gateway's request ids look like "JKJaXmPLvHcESHA=". */
const newRequestId = () => randomBytes(11).toString("base64");

class IntegrationTimeout extends Error {}

export type GatewayEnv = { Variables: { requestId: string } };

export function createHttpApi(options: HttpApiOptions): Hono<GatewayEnv> {
  const now = options.now ?? Date.now;
  const table = createRouteTable(options.routes);
  const cors = options.cors ? createCorsPolicy(options.cors) : undefined;
  const audience = typeof options.audience === "string" ? [options.audience] : options.audience;
  const authorize = createJwtAuthorizer({
    issuer: options.issuer,
    audience,
    jwks: options.jwks,
    now,
  });
  const throttled = createThrottler(
    (routeKey) => options.routes[routeKey]?.throttle ?? options.defaultThrottle,
    now,
  );
  const timeoutMs = options.integrationTimeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;

  const app = new Hono<GatewayEnv>();

  // Around everything: the gateway answers preflights itself, and every
  // answer, its own included, gets the request id and the CORS headers.
  app.use(async (c, next) => {
    const requestId = newRequestId();
    c.set("requestId", requestId);
    const preflight = cors?.preflight(c.req.raw);
    if (preflight) {
      preflight.headers.set("apigw-requestid", requestId);
      return preflight;
    }
    await next();
    c.res.headers.set("apigw-requestid", requestId);
    cors?.apply(c.req.raw, c.res.headers);
  });

  app.all("*", async (c) => {
    const request = c.req.raw;
    const requestId = c.get("requestId");
    const url = new URL(request.url);
    const rawPath = url.pathname;
    const matched = table.match(request.method, rawPath);
    if (!matched) return message(c, 404, "Not Found");
    const { route, pathParameters } = matched;

    if (!throttled(route.routeKey)) return message(c, 429, "Too Many Requests");

    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > maxBodyBytes) return message(c, 413, "Request Entity Too Large");

    let authorizer: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    if (route.spec.auth === "jwt") {
      const verdict = await authorize(
        request.headers.get("authorization") ?? undefined,
        route.spec.scopes,
      );
      if (!verdict.ok) {
        c.header("www-authenticate", verdict.wwwAuthenticate);
        return message(c, verdict.status, verdict.status === 401 ? "Unauthorized" : "Forbidden");
      }
      authorizer = {
        claims: verdict.claims,
        scopes: route.spec.scopes.length ? verdict.tokenScopes : null,
      };
    }

    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const event = buildEvent({
      method: request.method,
      rawPath,
      rawQueryString: url.search.slice(1),
      headerPairs: incoming ? pairsOf(incoming.rawHeaders) : request.headers.entries(),
      body,
      routeKey: route.routeKey,
      pathParameters,
      requestId,
      sourceIp: (incoming?.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
      accountId: options.accountId ?? "000000000000",
      apiId: options.apiId ?? "local",
      now: now(),
      ...(authorizer ? { authorizer } : {}),
    });

    let result: unknown;
    try {
      result = await withTimeout(options.invoke(route.spec.function, event), timeoutMs);
    } catch (error) {
      if (error instanceof IntegrationTimeout) return message(c, 503, "Service Unavailable");
      return message(c, 500, "Internal Server Error");
    }
    try {
      const response = toResponse(result);
      return new Response(response.body, { status: response.status, headers: response.headers });
    } catch {
      return message(c, 500, "Internal Server Error");
    }
  });

  return app;
}

function* pairsOf(raw: string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < raw.length; i += 2) yield [raw[i]!, raw[i + 1]!];
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
