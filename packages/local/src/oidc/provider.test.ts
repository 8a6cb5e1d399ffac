import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s256 } from "./claims";
import { signingKeyPath } from "./keys";
import { createOidcProvider, type OidcProvider } from "./provider";

const ORIGIN = "http://127.0.0.1:3000";
const ISSUER = `${ORIGIN}/auth`;
const CALLBACK = `${ORIGIN}/auth/callback`;
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"; // RFC 7636 Appendix B
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

let dataDir: string;
let provider: OidcProvider;
const req = (path: string, init?: RequestInit) => provider.app.request(`/auth${path}`, init);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "oidc-"));
  const p = await createOidcProvider({ origin: ORIGIN, dataDir, now: () => NOW });
  // Mounted as the main process mounts it: under /auth of the web origin.
  const web = new Hono().route("/auth", p.app);
  provider = { ...p, app: web };
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const authorizeQuery = (overrides: Record<string, string | undefined> = {}) => {
  const params: Record<string, string | undefined> = {
    client_id: "orders-console",
    redirect_uri: CALLBACK,
    response_type: "code",
    scope: "openid email profile orders/read orders/write",
    state: "st-123",
    code_challenge: CHALLENGE,
    code_challenge_method: "S256",
    ...overrides,
  };
  return new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  );
};

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

/** Sign in on the login page as the browser would: the hidden fields plus the user's input. */
async function signIn(user: Record<string, string>, query = authorizeQuery()) {
  const res = await req(`/authorize?${query}`, form({ ...Object.fromEntries(query), ...user }));
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location")!);
  return { location, code: location.searchParams.get("code")! };
}

const exchange = (fields: Record<string, string>) =>
  req("/token", form({ grant_type: "authorization_code", client_id: "orders-console", ...fields }));

describe("discovery and keys", () => {
  it("computes PKCE S256 as RFC 7636's example does", () => {
    expect(s256(VERIFIER)).toBe(CHALLENGE);
  });

  it("publishes Cognito-like OpenID configuration under <origin>/auth", async () => {
    const res = await req("/.well-known/openid-configuration");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      end_session_endpoint: `${ISSUER}/logout`,
      userinfo_endpoint: `${ISSUER}/userinfo`,
      code_challenge_methods_supported: ["S256"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
  });

  it("serves an RS256 public key with a kid, and keeps the key across restarts", async () => {
    const jwks = (await (await req("/.well-known/jwks.json")).json()) as {
      keys: Record<string, string>[];
    };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: provider.kid });
    expect(key).not.toHaveProperty("d"); // never the private half
    expect(statSync(signingKeyPath(dataDir)).mode & 0o077).toBe(0);

    const token = await provider.issueAccessToken({ sub: "customer-1" });
    const restarted = await createOidcProvider({ origin: ORIGIN, dataDir, now: () => NOW });
    expect(restarted.jwks).toEqual(provider.jwks);
    await expect(
      jwtVerify(token, createLocalJWKSet(restarted.jwks), { currentDate: new Date(NOW) }),
    ).resolves.toBeTruthy();
  });
});

describe("browser sign-in: authorization code + PKCE", () => {
  it("shows an accessible login page carrying the authorization request", async () => {
    const res = await req(`/authorize?${authorizeQuery()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<label for="username">Username<\/label>/);
    expect(html).toMatch(/<input type="checkbox" name="operator"[^>]*> operator \(ops group\)/);
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(html).toContain(`name="code_challenge" value="${CHALLENGE}"`);
    for (const user of ["customer-1", "customer-2", "ops-1"]) expect(html).toContain(user);
  });

  it("signs in, exchanges the code with the right verifier, and issues Cognito-shaped tokens", async () => {
    const { location, code } = await signIn({ username: "someone", operator: "on" });
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get("state")).toBe("st-123");

    const res = await exchange({ code, redirect_uri: CALLBACK, code_verifier: VERIFIER });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const tokens = (await res.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 3600 });

    const keys = createLocalJWKSet(provider.jwks);
    const access = (
      await jwtVerify(String(tokens.access_token), keys, { currentDate: new Date(NOW) })
    ).payload;
    expect(decodeProtectedHeader(String(tokens.access_token))).toEqual({
      kid: provider.kid,
      alg: "RS256",
    });
    expect(access).toMatchObject({
      sub: "someone",
      iss: ISSUER,
      client_id: "orders-console",
      token_use: "access",
      scope: "openid email profile orders/read orders/write",
      "cognito:groups": ["ops"],
      username: "someone",
      iat: NOW_S,
      auth_time: NOW_S,
      exp: NOW_S + 3600,
    });
    expect(access.jti).toEqual(expect.any(String));
    expect(access).not.toHaveProperty("aud");

    const id = (await jwtVerify(String(tokens.id_token), keys, { currentDate: new Date(NOW) }))
      .payload;
    expect(id).toMatchObject({
      sub: "someone",
      aud: "orders-console",
      token_use: "id",
      "cognito:username": "someone",
      "cognito:groups": ["ops"],
      email: "someone@example.test",
    });
    expect(id).not.toHaveProperty("client_id");
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it("gives preset users their groups, and customers no groups claim at all", async () => {
    const ops = await signIn({ username: "ops-1" });
    const opsTokens = (await (
      await exchange({ code: ops.code, redirect_uri: CALLBACK, code_verifier: VERIFIER })
    ).json()) as { access_token: string };
    expect(decodeJwt(opsTokens.access_token)["cognito:groups"]).toEqual(["ops"]);

    const customer = await signIn({ username: "customer-1" });
    const customerTokens = (await (
      await exchange({ code: customer.code, redirect_uri: CALLBACK, code_verifier: VERIFIER })
    ).json()) as { access_token: string };
    expect(decodeJwt(customerTokens.access_token)).not.toHaveProperty("cognito:groups");
  });

  it("refuses a wrong code_verifier, and the code is then spent", async () => {
    const { code } = await signIn({ username: "customer-2" });
    const wrong = await exchange({
      code,
      redirect_uri: CALLBACK,
      code_verifier: "x".repeat(43),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
    const retry = await exchange({ code, redirect_uri: CALLBACK, code_verifier: VERIFIER });
    expect(await retry.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("a code works once, only with its redirect_uri, and needs a verifier", async () => {
    const first = await signIn({ username: "customer-1" });
    expect(
      (await exchange({ code: first.code, redirect_uri: `${ORIGIN}/`, code_verifier: VERIFIER }))
        .status,
    ).toBe(400);

    const second = await signIn({ username: "customer-1" });
    const missing = await exchange({ code: second.code, redirect_uri: CALLBACK });
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });

    const third = await signIn({ username: "customer-1" });
    const ok = await exchange({
      code: third.code,
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER,
    });
    expect(ok.status).toBe(200);
    const again = await exchange({
      code: third.code,
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER,
    });
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refreshes: new access and id tokens for the same user and scopes", async () => {
    const { code } = await signIn({ username: "ops-1" });
    const tokens = (await (
      await exchange({ code, redirect_uri: CALLBACK, code_verifier: VERIFIER })
    ).json()) as { refresh_token: string; access_token: string };
    const res = await req(
      "/token",
      form({
        grant_type: "refresh_token",
        client_id: "orders-console",
        refresh_token: tokens.refresh_token,
      }),
    );
    expect(res.status).toBe(200);
    const refreshed = (await res.json()) as Record<string, string>;
    expect(refreshed).not.toHaveProperty("refresh_token"); // Cognito does not rotate
    const claims = decodeJwt(refreshed.access_token!);
    expect(claims).toMatchObject({
      sub: "ops-1",
      "cognito:groups": ["ops"],
      scope: decodeJwt(tokens.access_token).scope,
    });
    expect(claims.origin_jti).toBe(decodeJwt(tokens.access_token).origin_jti);

    const bogus = await req(
      "/token",
      form({ grant_type: "refresh_token", client_id: "orders-console", refresh_token: "nope" }),
    );
    expect(await bogus.json()).toMatchObject({ error: "invalid_grant" });
    // An access token is not a refresh token.
    const swapped = await req(
      "/token",
      form({
        grant_type: "refresh_token",
        client_id: "orders-console",
        refresh_token: tokens.access_token,
      }),
    );
    expect(await swapped.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("accepts the origin's loopback alias as the same redirect URI", async () => {
    const alias = "http://localhost:3000/auth/callback";
    const { location } = await signIn(
      { username: "customer-1" },
      authorizeQuery({ redirect_uri: alias }),
    );
    expect(location.origin).toBe("http://localhost:3000");
  });

  it("re-shows the page with an announced error for an empty username", async () => {
    const query = authorizeQuery();
    const res = await req(
      `/authorize?${query}`,
      form({ ...Object.fromEntries(query), username: "" }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/role="alert"/);
    expect(html).toContain('aria-invalid="true"');
  });
});

describe("OAuth errors", () => {
  it("never redirects to an unregistered redirect_uri, and rejects unknown clients", async () => {
    const evil = await req(
      `/authorize?${authorizeQuery({ redirect_uri: "https://evil.example/cb" })}`,
    );
    expect(evil.status).toBe(400);
    expect(await evil.json()).toMatchObject({ error: "invalid_request" });
    const client = await req(`/authorize?${authorizeQuery({ client_id: "other" })}`);
    expect(await client.json()).toMatchObject({ error: "invalid_client" });
  });

  it("sends request errors back to the client's redirect_uri with the state", async () => {
    const noPkce = await req(`/authorize?${authorizeQuery({ code_challenge: undefined })}`);
    expect(noPkce.status).toBe(302);
    const url = new URL(noPkce.headers.get("location")!);
    expect(url.searchParams.get("error")).toBe("invalid_request");
    expect(url.searchParams.get("state")).toBe("st-123");
    const plain = await req(`/authorize?${authorizeQuery({ code_challenge_method: "plain" })}`);
    expect(new URL(plain.headers.get("location")!).searchParams.get("error")).toBe(
      "invalid_request",
    );
    const token = await req(`/authorize?${authorizeQuery({ response_type: "token" })}`);
    expect(new URL(token.headers.get("location")!).searchParams.get("error")).toBe(
      "unsupported_response_type",
    );
    const scope = await req(`/authorize?${authorizeQuery({ scope: "openid admin/everything" })}`);
    expect(new URL(scope.headers.get("location")!).searchParams.get("error")).toBe("invalid_scope");
  });

  it("answers token endpoint misuse with OAuth JSON errors", async () => {
    const grant = await req(
      "/token",
      form({ grant_type: "password", client_id: "orders-console" }),
    );
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });

    const client = await req("/token", form({ grant_type: "authorization_code", client_id: "x" }));
    expect(await client.json()).toMatchObject({ error: "invalid_client" });

    const basic = await req("/token", {
      ...form({ grant_type: "authorization_code" }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from("x:y").toString("base64")}`,
      },
    });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toMatchObject({ error: "invalid_client" });

    const json = await req("/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "authorization_code" }),
    });
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
  });
});

describe("userinfo and logout", () => {
  it("returns the signed-in user's profile for an access token", async () => {
    const token = await provider.issueAccessToken({ sub: "ops-1", groups: ["ops"] });
    const res = await req("/userinfo", { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toMatchObject({
      sub: "ops-1",
      username: "ops-1",
      "cognito:groups": ["ops"],
    });
    const bad = await req("/userinfo", { headers: { authorization: "Bearer nope" } });
    expect(bad.status).toBe(401);
  });

  it("redirects only to registered logout URIs", async () => {
    const ok = await req(
      `/logout?client_id=orders-console&post_logout_redirect_uri=${encodeURIComponent(`${ORIGIN}/`)}&state=s`,
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`${ORIGIN}/?state=s`);
    const cognitoStyle = await req(
      `/logout?client_id=orders-console&logout_uri=${encodeURIComponent(`${ORIGIN}/`)}`,
    );
    expect(cognitoStyle.headers.get("location")).toBe(`${ORIGIN}/`);
    const evil = await req(
      `/logout?post_logout_redirect_uri=${encodeURIComponent("https://evil.example/")}`,
    );
    expect(evil.status).toBe(400);
  });
});

describe("dev token endpoint (local cloud only)", () => {
  it("mints an access token for any subject and groups", async () => {
    const res = await req("/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sub: "e2e-ops-olga", groups: ["ops"], expiresIn: 120 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(120);
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(provider.jwks), {
      issuer: ISSUER,
      currentDate: new Date(NOW),
    });
    expect(payload).toMatchObject({
      sub: "e2e-ops-olga",
      "cognito:groups": ["ops"],
      client_id: "orders-console",
      token_use: "access",
      scope: "openid orders/read orders/write",
      exp: NOW_S + 120,
    });
  });

  it("takes a narrower scope, and refuses bad input with invalid_request", async () => {
    const narrow = await req("/dev/token", {
      method: "POST",
      body: JSON.stringify({ sub: "customer-1", scope: "orders/read" }),
    });
    const { access_token } = (await narrow.json()) as { access_token: string };
    expect(decodeJwt(access_token).scope).toBe("orders/read");
    const bad = await req("/dev/token", {
      method: "POST",
      body: JSON.stringify({ groups: ["ops"] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid_request" });
  });
});
