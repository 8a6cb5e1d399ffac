import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { auth } from "@orders/core/topology";
import { Hono } from "hono";
import { LOOPBACK, repoRoot } from "../config";

// The web origin (default 127.0.0.1:3000), mirroring the CloudFront router:
// `/api/health` the local cloud's readiness, `/api/...` and `/auth/...` the
// HTTP API gateway and OIDC provider (when their module is present),
// everything else the console's build with an SPA fallback to index.html.

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

export interface WebOriginOptions {
  port: number;
  health: () => Promise<{ ready: boolean; components: Record<string, unknown> }>;
  /** The gateway (API + OIDC) app, mounted at the root for /api/* and /auth/*. */
  gateway?: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> };
  /** Local-only controls under /_local/* (fault injection for tests and the e2e suite). */
  local?: { fetch: (request: Request) => Response | Promise<Response> };
  distDir?: string;
  /** Why the console could not be built (see console-build.ts): `/` answers it instead. */
  consoleError?: string;
}

export async function startWebOrigin(options: WebOriginOptions) {
  const dist = resolve(options.distDir ?? join(repoRoot, "packages/web/dist"));
  const app = new Hono();
  app.get("/api/health", async (c) => {
    const health = await options.health();
    return c.json(
      { status: health.ready ? "ready" : "starting", components: health.components },
      health.ready ? 200 : 503,
    );
  });
  const gateway = options.gateway;
  // c.env carries @hono/node-server's bindings (the socket): the gateway reads
  // the caller's source IP and the raw header list from them, as API Gateway does.
  const toGateway = (c: { req: { raw: Request }; env: unknown }) =>
    gateway
      ? gateway.fetch(c.req.raw, c.env)
      : Response.json(
          {
            code: "GATEWAY_UNAVAILABLE",
            message: "The local API gateway is not part of this build",
          },
          { status: 503 },
        );
  const local = options.local;
  if (local) app.all("/_local/*", (c) => local.fetch(c.req.raw));
  const index = join(dist, "index.html");
  const consoleError = options.consoleError;
  const serveIndex = () =>
    consoleError !== undefined
      ? Response.json(
          { code: "CONSOLE_BUILD_FAILED", message: `The console did not build: ${consoleError}` },
          { status: 503 },
        )
      : existsSync(index)
        ? new Response(readFileSync(index), {
            headers: { "content-type": TYPES[".html"]!, "cache-control": "no-cache" },
          })
        : Response.json(
            { code: "CONSOLE_NOT_BUILT", message: `The console is not built (${dist})` },
            { status: 404 },
          );
  // The console's OIDC callback is a console route under /auth: the SPA must
  // get it, not the provider, so it is matched before /auth/* is forwarded.
  app.get(auth.callbackPath, serveIndex);
  app.all("/api/*", toGateway);
  app.all("/auth/*", toGateway);
  app.all("/.well-known/*", toGateway);
  app.get("*", (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    const file = normalize(join(dist, path));
    if (file.startsWith(dist) && existsSync(file) && statSync(file).isFile()) {
      const immutable = path.startsWith("/assets/");
      return new Response(readFileSync(file), {
        headers: {
          "content-type": TYPES[extname(file)] ?? "application/octet-stream",
          "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        },
      });
    }
    // A console route: the SPA, or why there is none (not built, build failed).
    if (extname(path) === "") return serveIndex();
    return c.json({ code: "NOT_FOUND", message: `No such file: ${path}` }, 404);
  });
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: LOOPBACK }, () => done(s));
    s.once("error", fail);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
