import { api } from "@orders/core/topology";
import { Hono } from "hono";
import type { LambdaRunner } from "../lambda/runner";
import { createOidcProvider } from "../oidc/provider";
import { createHttpApi } from "./http-api";
import type { HttpApiEvent, Invoke } from "./types";

// What the web origin mounts: the OIDC provider under /auth and the HTTP API
// (the topology's routes) under /api, wired together: the API's authorizer
// trusts exactly the provider's issuer, client id and keys.

export { createHttpApi, type HttpApiOptions } from "./http-api";
export type { CorsSpec, HttpApiEvent, HttpRouteSpec, Invoke, Throttle } from "./types";

export interface LocalGatewayContext {
  /** Resolves with the handler's result; should reject when the function failed (see fromLambdaRunner). */
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** The web origin as browsers reach it, e.g. "http://localhost:3000"; the issuer is `<webUrl>/auth`. */
  webUrl: string;
  /** The provider's signing key lives under `<dataDir>/oidc/`. */
  dataDir: string;
  /** More allowed redirect/logout URIs (e.g. Vite's dev server `http://localhost:5173/auth/callback`). */
  redirectUris?: readonly string[];
  now?: () => number;
}

export async function createGateway(context: LocalGatewayContext) {
  const oidc = await createOidcProvider({
    origin: context.webUrl,
    dataDir: context.dataDir,
    ...(context.redirectUris ? { redirectUris: context.redirectUris } : {}),
    ...(context.now ? { now: context.now } : {}),
  });
  const httpApi = createHttpApi({
    routes: api.routes,
    cors: api.cors,
    defaultThrottle: api.defaultThrottle,
    issuer: oidc.issuer,
    audience: oidc.clientId,
    jwks: oidc.jwks,
    invoke: failOnErrorPayload(context.invoke),
    ...(context.now ? { now: context.now } : {}),
  });
  const app = new Hono();
  app.route("/auth", oidc.app);
  app.all("/api/*", (c) => httpApi.fetch(c.req.raw, c.env));
  app.notFound((c) => c.json({ message: "Not Found" }, 404));
  return { app, fetch: app.fetch, oidc, httpApi };
}

/** The Lambda runner as the gateway's integration: a function error rejects (→ 500). */
export function fromLambdaRunner(
  runner: Pick<LambdaRunner, "invoke">,
): LocalGatewayContext["invoke"] {
  return async (functionName, event) => {
    const result = await runner.invoke(functionName, event);
    if (result.functionError)
      throw Object.assign(new Error(result.error?.errorMessage ?? "function error"), {
        name: result.error?.errorType ?? "FunctionError",
      });
    return result.payload;
  };
}

// An invoke that hands back the runner's payload without its functionError
// flag turns a crash into AWS's error payload {errorType, errorMessage,
// trace}. API Gateway, which sees the flag, answers 500: so do we.
function failOnErrorPayload(invoke: LocalGatewayContext["invoke"]): Invoke {
  return async (functionName: string, event: HttpApiEvent) => {
    const result = await invoke(functionName, event);
    if (
      result !== null &&
      typeof result === "object" &&
      !("statusCode" in result) &&
      "errorType" in result &&
      "errorMessage" in result &&
      Array.isArray((result as { trace?: unknown }).trace)
    )
      throw new Error(String((result as { errorMessage: unknown }).errorMessage));
    return result;
  };
}
