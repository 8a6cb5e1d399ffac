import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api } from "@orders/core/topology";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOidcProvider, type OidcProvider } from "../oidc/provider";
import { createHttpApi, type HttpApiOptions } from "./http-api";
import type { HttpApiEvent } from "./types";

const ORIGIN = "http://127.0.0.1:3000";
const ISSUER = `${ORIGIN}/auth`;
const CLIENT = "orders-console";
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const S0 = T0 / 1000;

let dataDir: string;
let provider: OidcProvider;
let clock: number;
let calls: { fn: string; event: HttpApiEvent }[];

/** A fake function: echoes the event it got (faking the handler, not the gateway). */
const echo: HttpApiOptions["invoke"] = async (fn, event) => {
  calls.push({ fn, event });
  return {
    statusCode: 200,
    headers: {
      "content-type": "application/json",
      "access-control-allow-origin": "https://evil.example",
    },
    body: JSON.stringify({ fn }),
  };
};

const gateway = (overrides: Partial<HttpApiOptions> = {}) =>
  createHttpApi({
    routes: api.routes,
    cors: api.cors,
    defaultThrottle: api.defaultThrottle,
    issuer: ISSUER,
    audience: CLIENT,
    jwks: provider.jwks,
    invoke: echo,
    now: () => clock,
    ...overrides,
  });

/** Cognito-shaped access token claims, overridable per test. */
const access = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: "customer-1",
  iss: ISSUER,
  client_id: CLIENT,
  token_use: "access",
  scope: "openid orders/read orders/write",
  username: "customer-1",
  auth_time: S0 - 60,
  iat: S0 - 60,
  exp: S0 + 3600,
  jti: "jti-1",
  ...overrides,
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const body = async (res: Response) => (await res.json()) as Record<string, unknown>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gateway-"));
  provider = await createOidcProvider({ origin: ORIGIN, dataDir, now: () => clock });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
beforeEach(() => {
  clock = T0;
  calls = [];
});

describe("JWT authorizer", () => {
  it("accepts a good access token, with or without the Bearer prefix", async () => {
    const app = gateway();
    const token = await provider.sign(access());
    expect((await app.request("/api/catalog", bearer(token))).status).toBe(200);
    expect((await app.request("/api/catalog", { headers: { authorization: token } })).status).toBe(
      200,
    );
    expect(calls.map((c) => c.fn)).toEqual(["Catalog", "Catalog"]);
  });

  it("accepts an id token by its aud (on a route without scopes)", async () => {
    const token = await provider.sign({
      sub: "ops-1",
      iss: ISSUER,
      aud: CLIENT,
      token_use: "id",
      "cognito:username": "ops-1",
      "cognito:groups": ["ops"],
      iat: S0,
      exp: S0 + 3600,
    });
    const res = await gateway().request("/api/admin/approvals", bearer(token));
    expect(res.status).toBe(200);
    expect(calls[0]!.fn).toBe("AdminApi");
  });

  it("answers 401 without a token, and never invokes", async () => {
    const res = await gateway().request("/api/catalog");
    expect(res.status).toBe(401);
    expect(await body(res)).toEqual({ message: "Unauthorized" });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(calls).toHaveLength(0);
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    [
      "a wrong issuer",
      () => provider.sign(access({ iss: "https://cognito-idp.example/pool" })),
      /issuer/,
    ],
    [
      "a wrong client_id (no aud)",
      () => provider.sign(access({ client_id: "other-client" })),
      /audience/,
    ],
    [
      "a wrong aud even with the right client_id (aud is evaluated first)",
      () => provider.sign(access({ aud: "other-client" })),
      /audience/,
    ],
    [
      "neither aud nor client_id",
      () => provider.sign(access({ client_id: undefined })),
      /audience/,
    ],
    ["an expired token", () => provider.sign(access({ exp: S0 - 1 })), /expired/],
    ["a token expiring this very second", () => provider.sign(access({ exp: S0 })), /expired/],
    ["a token not valid yet (nbf)", () => provider.sign(access({ nbf: S0 + 30 })), /not valid yet/],
    ["a token issued in the future (iat)", () => provider.sign(access({ iat: S0 + 30 })), /future/],
    ["a token without exp", () => provider.sign(access({ exp: undefined })), /expiry/],
    [
      "a bad signature (another key claiming our kid)",
      async () => {
        const other = await generateKeyPair("RS256");
        return new SignJWT(access())
          .setProtectedHeader({ alg: "RS256", kid: provider.kid })
          .sign(other.privateKey);
      },
      /signature/,
    ],
    [
      "a tampered payload",
      async () => {
        const [h, , s] = (await provider.sign(access())).split(".");
        const forged = Buffer.from(JSON.stringify(access({ sub: "someone-else" }))).toString(
          "base64url",
        );
        return `${h}.${forged}.${s}`;
      },
      /signature/,
    ],
    [
      "an unknown kid",
      async () => {
        const other = await generateKeyPair("RS256");
        return new SignJWT(access())
          .setProtectedHeader({ alg: "RS256", kid: "nope" })
          .sign(other.privateKey);
      },
      /kid/,
    ],
    [
      "an HMAC token (only RSA is allowed)",
      async () => {
        const secret = await exportJWK(new TextEncoder().encode("x".repeat(32)));
        return new SignJWT(access())
          .setProtectedHeader({ alg: "HS256", kid: provider.kid })
          .sign(Buffer.from(secret.k!, "base64url"));
      },
      /./,
    ],
    ["garbage", async () => "not-a-jwt", /malformed/],
  ];

  it.each(refused)("answers 401 to %s", async (_, token, reason) => {
    const res = await gateway().request("/api/catalog", bearer(await token()));
    expect(res.status).toBe(401);
    expect(await body(res)).toEqual({ message: "Unauthorized" });
    expect(res.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    expect(res.headers.get("www-authenticate")).toMatch(reason);
    expect(calls).toHaveLength(0);
  });

  it("remembers a verified token by its exact text, and still lets it expire", async () => {
    const app = gateway();
    const token = await provider.sign(access({ exp: S0 + 60, nbf: S0 }));
    expect((await app.request("/api/catalog", bearer(token))).status).toBe(200);
    expect((await app.request("/api/catalog", bearer(token))).status).toBe(200);
    // Other bytes with the same header and signature are verified afresh.
    const [h, , sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify(access({ sub: "someone-else" }))).toString(
      "base64url",
    );
    const tampered = await app.request("/api/catalog", bearer(`${h}.${forged}.${sig}`));
    expect(tampered.headers.get("www-authenticate")).toMatch(/signature/);
    // The clock goes on: expiry (and nbf) are checked on every request.
    clock = T0 - 1000;
    expect(
      (await app.request("/api/catalog", bearer(token))).headers.get("www-authenticate"),
    ).toMatch(/not valid yet/);
    clock = T0 + 60_000;
    const expired = await app.request("/api/catalog", bearer(token));
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/expired/);
    expect(calls).toHaveLength(2);
  });

  it("answers 403 when the token lacks every scope the route requires", async () => {
    const token = await provider.sign(access({ scope: "openid orders/read" }));
    const res = await gateway().request("/api/orders", { method: "POST", ...bearer(token) });
    expect(res.status).toBe(403);
    expect(await body(res)).toEqual({ message: "Forbidden" });
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer scope="orders/write" error="insufficient_scope" error_description="expected scopes: [orders/write]"',
    );
    expect(calls).toHaveLength(0);
    // The same token is enough for a read route.
    expect((await gateway().request("/api/catalog", bearer(token))).status).toBe(200);
  });

  it("does not check groups: a customer reaches the admin API's function, which checks them", async () => {
    const res = await gateway().request("/api/admin/queues", bearer(await provider.sign(access())));
    expect(res.status).toBe(200);
    expect(calls[0]!.event.requestContext.authorizer?.jwt.claims).not.toHaveProperty(
      "cognito:groups",
    );
  });
});

describe("payload format 2.0 event", () => {
  it("has the shape API Gateway documents", async () => {
    const token = await provider.sign(access({ "cognito:groups": ["ops", "beta"] }));
    const res = await gateway().request("/api/orders/ord%20123?b=1&a=2&a=3&q=x%2By+z", {
      headers: {
        authorization: `Bearer ${token}`,
        Cookie: "theme=dark; session=abc",
        "User-Agent": "vitest",
        "X-Correlation-Id": "corr-1",
        host: "127.0.0.1:3000",
      },
    });
    expect(res.status).toBe(200);
    const { event } = calls[0]!;
    expect(event).toEqual({
      version: "2.0",
      routeKey: "GET /api/orders/{orderId}",
      rawPath: "/api/orders/ord%20123",
      rawQueryString: "b=1&a=2&a=3&q=x%2By+z",
      cookies: ["theme=dark", "session=abc"],
      headers: {
        authorization: `Bearer ${token}`,
        "user-agent": "vitest",
        "x-correlation-id": "corr-1",
        host: "127.0.0.1:3000",
      },
      queryStringParameters: { b: "1", a: "2,3", q: "x+y z" },
      pathParameters: { orderId: "ord 123" },
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        authorizer: {
          jwt: {
            claims: {
              sub: "customer-1",
              iss: ISSUER,
              client_id: CLIENT,
              token_use: "access",
              scope: "openid orders/read orders/write",
              username: "customer-1",
              auth_time: String(S0 - 60),
              iat: String(S0 - 60),
              exp: String(S0 + 3600),
              jti: "jti-1",
              "cognito:groups": "[ops beta]",
            },
            scopes: ["openid", "orders/read", "orders/write"],
          },
        },
        domainName: "127.0.0.1:3000",
        domainPrefix: "127",
        http: {
          method: "GET",
          path: "/api/orders/ord%20123",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "vitest",
        },
        requestId: res.headers.get("apigw-requestid"),
        routeKey: "GET /api/orders/{orderId}",
        stage: "$default",
        time: "01/Jan/2030:12:00:00 +0000",
        timeEpoch: T0,
      },
      isBase64Encoded: false,
    });
    expect(event.requestContext.requestId).toMatch(/^[A-Za-z0-9+/]{14}[A-Za-z0-9+/=]{2}$/);
  });

  it("joins duplicate headers with commas and takes the caller's address from the socket", async () => {
    const token = await provider.sign(access());
    // What @hono/node-server hands over as c.env: the raw Node request.
    const incoming = {
      rawHeaders: [
        "Authorization",
        `Bearer ${token}`,
        "X-Dup",
        "a",
        "x-dup",
        "b",
        "Cookie",
        "a=1",
        "Cookie",
        "b=2",
      ],
      socket: { remoteAddress: "::ffff:10.1.2.3" },
    };
    await gateway().request("/api/catalog", bearer(token), { incoming });
    const { event } = calls[0]!;
    expect(event.headers["x-dup"]).toBe("a,b");
    expect(event.cookies).toEqual(["a=1", "b=2"]);
    expect(event.headers).not.toHaveProperty("cookie");
    expect(event.requestContext.http.sourceIp).toBe("10.1.2.3");
  });

  it("passes a JSON body as text, and a binary or form body base64-encoded", async () => {
    const token = await provider.sign(access());
    const app = gateway();
    const post = (contentType: string, payload: RequestInit["body"]) =>
      app.request("/api/orders", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        body: payload,
      });
    await post("application/json", '{"lines":[]}');
    await post("application/octet-stream", new Uint8Array([0, 255, 1]));
    await post("application/x-www-form-urlencoded", "a=1");
    expect(calls.map((c) => [c.event.body, c.event.isBase64Encoded])).toEqual([
      ['{"lines":[]}', false],
      ["AP8B", true],
      [Buffer.from("a=1").toString("base64"), true],
    ]);
    expect(calls[0]!.event).not.toHaveProperty("queryStringParameters");
    expect(calls[0]!.event).not.toHaveProperty("pathParameters");
  });
});

describe("routes", () => {
  it("matches ANY with a greedy {proxy+}, and 404s what no route takes", async () => {
    const app = gateway();
    const token = await provider.sign(access());
    const res = await app.request("/api/admin/dlqs/PaymentQueueDlq/redrive", {
      method: "DELETE",
      ...bearer(token),
    });
    expect(res.status).toBe(200);
    expect(calls[0]!.event.pathParameters).toEqual({ proxy: "dlqs/PaymentQueueDlq/redrive" });
    expect(calls[0]!.event.routeKey).toBe("ANY /api/admin/{proxy+}");
    for (const [method, path] of [
      ["GET", "/api/admin"],
      ["DELETE", "/api/orders/x"],
      ["GET", "/api/orders/x/y"],
      ["GET", "/nowhere"],
    ] as const) {
      const miss = await app.request(path, { method, ...bearer(token) });
      expect(miss.status, `${method} ${path}`).toBe(404);
      expect(await body(miss)).toEqual({ message: "Not Found" });
    }
  });

  it("answers a route without auth without a token", async () => {
    const app = gateway({
      routes: { "GET /api/ping": { function: "Ping", scopes: [], auth: "none" } },
    });
    const res = await app.request("/api/ping");
    expect(res.status).toBe(200);
    expect(calls[0]!.event.requestContext).not.toHaveProperty("authorizer");
  });
});

describe("responses", () => {
  const respond = async (result: () => Promise<unknown>, timeoutMs?: number) => {
    const app = gateway({
      invoke: () => result(),
      ...(timeoutMs ? { integrationTimeoutMs: timeoutMs } : {}),
    });
    return app.request("/api/catalog", bearer(await provider.sign(access())));
  };

  it("maps a structured result: status, headers, cookies, base64 body", async () => {
    const res = await respond(async () => ({
      statusCode: 202,
      headers: { "content-type": "image/png", "x-n": 7 },
      cookies: ["a=1; Path=/", "b=2"],
      body: Buffer.from([1, 2, 3]).toString("base64"),
      isBase64Encoded: true,
    }));
    expect(res.status).toBe(202);
    expect(res.headers.get("x-n")).toBe("7");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2"]);
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(res.headers.get("apigw-requestid")).toBeTruthy();
  });

  it("infers 200 JSON from a bare value, as AWS does", async () => {
    const object = await respond(async () => ({ hello: "world" }));
    expect(object.status).toBe(200);
    expect(object.headers.get("content-type")).toBe("application/json");
    expect(await object.json()).toEqual({ hello: "world" });
    const text = await respond(async () => "Hello from Lambda!");
    expect(await text.text()).toBe("Hello from Lambda!");
  });

  it("answers 500 when the function fails or returns nonsense", async () => {
    const failed = await respond(async () => {
      throw new Error("boom");
    });
    expect(failed.status).toBe(500);
    expect(await body(failed)).toEqual({ message: "Internal Server Error" });
    const nonsense = await respond(async () => ({ statusCode: "teapot" }));
    expect(nonsense.status).toBe(500);
  });

  it("answers 503 when the function outlives the integration timeout", async () => {
    const res = await respond(() => new Promise(() => {}), 5);
    expect(res.status).toBe(503);
    expect(await body(res)).toEqual({ message: "Service Unavailable" });
  });
});

describe("throttling", () => {
  it("sheds with 429 once a route's burst is spent, and refills at its rate", async () => {
    const app = gateway({
      routes: {
        ...api.routes,
        "GET /api/catalog": { ...api.routes["GET /api/catalog"], throttle: { rate: 2, burst: 3 } },
      },
    });
    const token = await provider.sign(access());
    const statuses = async (n: number, path = "/api/catalog") => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await app.request(path, bearer(token))).status);
      return out;
    };
    expect(await statuses(4)).toEqual([200, 200, 200, 429]);
    const shed = await app.request("/api/catalog", bearer(token));
    expect(await body(shed)).toEqual({ message: "Too Many Requests" });
    expect(calls).toHaveLength(3);
    // Another route has its own bucket.
    expect(await statuses(1, "/api/orders/o-1")).toEqual([200]);
    // Half a second at 2/s is one more request.
    clock += 500;
    expect(await statuses(2)).toEqual([200, 429]);
  });

  it("throttles before authorizing, like API Gateway", async () => {
    const app = gateway({
      routes: {
        "GET /api/catalog": { ...api.routes["GET /api/catalog"], throttle: { rate: 1, burst: 1 } },
      },
    });
    expect((await app.request("/api/catalog")).status).toBe(401);
    expect((await app.request("/api/catalog")).status).toBe(429);
  });
});

describe("CORS", () => {
  it("answers a preflight itself, with the topology's settings, without a token or a function", async () => {
    const res = await gateway().request("/api/orders", {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "Authorization, Content-Type, Idempotency-Key",
      },
    });
    expect(res.status).toBe(204);
    expect(
      Object.fromEntries([...res.headers].filter(([k]) => k.startsWith("access-control-"))),
    ).toEqual({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET,POST,OPTIONS",
      "access-control-allow-headers": "authorization,content-type,idempotency-key,x-correlation-id",
      "access-control-max-age": "600",
    });
    expect(calls).toHaveLength(0);
  });

  it("gives a preflight asking for an unlisted header no CORS headers", async () => {
    const res = await gateway().request("/api/orders", {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-unlisted",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sets its own CORS headers on responses, over the function's, and on its own errors", async () => {
    const token = await provider.sign(access());
    const ok = await gateway().request("/api/catalog", {
      headers: { origin: "http://localhost:5173", authorization: `Bearer ${token}` },
    });
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    expect(ok.headers.get("access-control-expose-headers")).toBe("x-correlation-id,location");
    const denied = await gateway().request("/api/catalog", {
      headers: { origin: "http://localhost:5173" },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("with the local provider, mounted as the web origin mounts them", () => {
  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  const form = (fields: Record<string, string>) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

  it("a browser sign-in's access token opens the API; its refresh token does not", async () => {
    const web = new Hono();
    web.route("/auth", provider.app);
    const httpApi = gateway();
    web.all("/api/*", (c) => httpApi.fetch(c.req.raw, c.env));
    const request = {
      client_id: CLIENT,
      redirect_uri: `${ORIGIN}/auth/callback`,
      response_type: "code",
      scope: "openid orders/read orders/write",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const login = await web.request(
      `/auth/authorize?${new URLSearchParams(request)}`,
      form({ ...request, username: "customer-2" }),
    );
    const code = new URL(login.headers.get("location")!).searchParams.get("code")!;
    const tokens = (await (
      await web.request(
        "/auth/token",
        form({
          grant_type: "authorization_code",
          client_id: CLIENT,
          code,
          redirect_uri: request.redirect_uri,
          code_verifier: verifier,
        }),
      )
    ).json()) as { access_token: string; id_token: string; refresh_token: string };
    const placed = await web.request("/api/orders", {
      method: "POST",
      ...bearer(tokens.access_token),
    });
    expect(placed.status).toBe(200);
    expect(calls[0]!.event.requestContext.authorizer?.jwt.claims.sub).toBe("customer-2");
    expect((await web.request("/api/catalog", bearer(tokens.refresh_token))).status).toBe(401);
    // An id token has no scope: fine for the admin route, refused on scoped routes.
    expect((await web.request("/api/catalog", bearer(tokens.id_token))).status).toBe(403);
  });

  it("a dev token from /auth/dev/token opens the API", async () => {
    const web = new Hono();
    web.route("/auth", provider.app);
    const httpApi = gateway();
    web.all("/api/*", (c) => httpApi.fetch(c.req.raw, c.env));
    const minted = await web.request("/auth/dev/token", {
      method: "POST",
      body: JSON.stringify({ sub: "e2e-ops-olga", groups: ["ops"] }),
    });
    const { access_token } = (await minted.json()) as { access_token: string };
    const res = await web.request("/api/admin/approvals", bearer(access_token));
    expect(res.status).toBe(200);
    expect(calls[0]!.event.requestContext.authorizer?.jwt.claims).toMatchObject({
      sub: "e2e-ops-olga",
      "cognito:groups": "[ops]",
    });
  });
});
