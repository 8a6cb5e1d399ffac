import type { CorsSpec } from "./types";

// CORS as an HTTP API with a CORS configuration does it: the gateway answers
// every preflight itself (204, no route or function involved), and on other
// responses it sets the access-control-* headers, ignoring any the function
// returned. A request from an origin that is not allowed gets no CORS headers
// (the browser then blocks it).

export interface CorsPolicy {
  /** The gateway's own answer when `request` is a preflight, else undefined. */
  preflight(request: Request): Response | undefined;
  /** Sets the CORS headers of a non-preflight response, dropping the function's own. */
  apply(request: Request, headers: Headers): void;
}

const lower = (items: readonly string[] | undefined) => (items ?? []).map((i) => i.toLowerCase());

export function createCorsPolicy(spec: CorsSpec): CorsPolicy {
  const origins = spec.allowOrigins ?? ["*"];
  const methods = (spec.allowMethods ?? ["*"]).map((m) => m.toUpperCase());
  const allowHeaders = lower(spec.allowHeaders ?? ["*"]);
  const anyOrigin = origins.includes("*");

  const allowOrigin = (origin: string | null): string | undefined => {
    if (!origin) return undefined;
    if (origins.includes(origin)) return origin;
    return anyOrigin ? "*" : undefined;
  };

  return {
    preflight(request) {
      if (request.method !== "OPTIONS") return undefined;
      const method = request.headers.get("access-control-request-method");
      const origin = request.headers.get("origin");
      if (!origin || !method) return undefined;
      const headers = new Headers();
      const allowed = allowOrigin(origin);
      const requested = lower(
        (request.headers.get("access-control-request-headers") ?? "")
          .split(",")
          .map((h) => h.trim())
          .filter(Boolean),
      );
      const methodOk = methods.includes("*") || methods.includes(method.toUpperCase());
      const headersOk =
        allowHeaders.includes("*") || requested.every((h) => allowHeaders.includes(h));
      if (allowed && methodOk && headersOk) {
        headers.set("access-control-allow-origin", allowed);
        headers.set("access-control-allow-methods", methods.join(","));
        if (allowHeaders.length)
          headers.set("access-control-allow-headers", allowHeaders.join(","));
        if (spec.maxAgeSeconds !== undefined)
          headers.set("access-control-max-age", String(spec.maxAgeSeconds));
        if (spec.allowCredentials) headers.set("access-control-allow-credentials", "true");
        if (allowed !== "*") headers.set("vary", "origin");
      }
      return new Response(null, { status: 204, headers });
    },
    apply(request, headers) {
      for (const name of [...headers.keys()])
        if (name.startsWith("access-control-")) headers.delete(name);
      const allowed = allowOrigin(request.headers.get("origin"));
      if (!allowed) return;
      headers.set("access-control-allow-origin", allowed);
      if (spec.exposeHeaders?.length)
        headers.set("access-control-expose-headers", lower(spec.exposeHeaders).join(","));
      if (spec.allowCredentials) headers.set("access-control-allow-credentials", "true");
      if (allowed !== "*") headers.append("vary", "origin");
    },
  };
}
