import { randomBytes, randomUUID } from "node:crypto";
import { scopes as apiScopes, auth as authSpec } from "@orders/core/topology";
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { type JSONWebKeySet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { accessTokenClaims, type Identity, type Issuance, idTokenClaims, s256 } from "./claims";
import { ALGORITHM, jwksOf, loadOrCreateSigningKey, type SigningKey } from "./keys";
import { loginPage } from "./login-page";

// The local cloud's OpenID Connect provider, standing in for the Cognito user
// pool's hosted UI: discovery, JWKS, a login page with the authorization code
// flow + PKCE (S256), a token endpoint (authorization_code, refresh_token),
// userinfo and logout. Tokens are Cognito-shaped (see claims.ts) and signed
// with a key that persists under the data folder.
//
// ⚠ LOCAL CLOUD ONLY. There are no passwords, anyone may sign in as anyone in
// any group, and `POST /dev/token` hands out tokens on request. Nothing here is
// ever deployed: in AWS the issuer is the Cognito user pool (infra/auth.ts).

export interface PresetUser {
  username: string;
  groups: readonly string[];
}

export interface OidcProviderOptions {
  /** The web origin the provider is served on, e.g. "http://127.0.0.1:3000"; the issuer is `<origin>/auth`. */
  origin: string;
  /** The signing key is kept at `<dataDir>/oidc/signing-key.json`. */
  dataDir: string;
  /** The console's (public) client id. Default "orders-console", the console's own default. */
  clientId?: string;
  /**
   * Redirect / logout URIs allowed besides the origin's `/`, `/callback` and
   * the console's callback path (topology `auth.callbackPath`).
   */
  redirectUris?: readonly string[];
  presetUsers?: readonly PresetUser[];
  /** Access and id token lifetime (Cognito's client here: 60 minutes). */
  tokenTtlSeconds?: number;
  refreshTtlSeconds?: number;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
}

export interface DevTokenRequest {
  sub: string;
  groups?: readonly string[];
  username?: string;
  /** Space-separated; default `openid orders/read orders/write`. */
  scope?: string;
  expiresIn?: number;
}

export interface OidcProvider {
  /** Mount under `/auth` of the web origin: `web.route("/auth", provider.app)`. */
  app: Hono;
  issuer: string;
  clientId: string;
  /** The signing key's id, as in the JWKS and every token header. */
  kid: string;
  /** The public keys, for the gateway's JWT authorizer. */
  jwks: JSONWebKeySet;
  /** What `POST /auth/dev/token` does, for code in the same process (tests, seeding). */
  issueAccessToken(request: DevTokenRequest): Promise<string>;
  /** Sign arbitrary claims with the provider's key (tests build bad tokens with it). */
  sign(claims: JWTPayload, header?: { typ?: string }): Promise<string>;
}

/** The scopes a client may ask for, as the Cognito app client allows them (infra/auth.ts). */
export const supportedScopes = ["openid", "email", "profile", ...Object.values(apiScopes)];
export const defaultDevScope = ["openid", ...Object.values(apiScopes)].join(" ");

export const defaultPresetUsers: readonly PresetUser[] = [
  { username: "customer-1", groups: [] },
  { username: "customer-2", groups: [] },
  { username: "ops-1", groups: [authSpec.operatorGroup] },
];

const CODE_TTL_SECONDS = 300; // Cognito's authorization codes live 5 minutes.
const USERNAME = /^[\w.@+-]{1,128}$/;
const GROUP = /^[\w.@+-]{1,128}$/;
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  who: Identity;
  scopes: string[];
  nonce?: string;
  authTime: number;
  expiresAt: number;
}

class OAuthError extends Error {
  constructor(
    readonly error:
      | "invalid_request"
      | "invalid_grant"
      | "invalid_client"
      | "unsupported_grant_type"
      | "invalid_scope"
      | "invalid_token",
    readonly description: string,
    readonly status: 400 | 401 = 400,
  ) {
    super(description);
  }
}

const DevTokenBody = z.object({
  sub: z.string().regex(USERNAME, "1–128 of letters, digits and _.@+-"),
  groups: z.array(z.string().regex(GROUP)).max(50).default([]),
  username: z.string().regex(USERNAME).optional(),
  scope: z.string().min(1).optional(),
  expiresIn: z.number().int().min(1).max(86_400).optional(),
});

export async function createOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const origin = new URL(options.origin).origin;
  const issuer = `${origin}/auth`;
  const clientId = options.clientId ?? "orders-console";
  const now = options.now ?? Date.now;
  const seconds = () => Math.floor(now() / 1000);
  const tokenTtl = options.tokenTtlSeconds ?? 3600;
  const refreshTtl = options.refreshTtlSeconds ?? 30 * 86_400;
  const presets = options.presetUsers ?? defaultPresetUsers;
  const key: SigningKey = await loadOrCreateSigningKey(options.dataDir);
  const jwks = jwksOf(key);
  const codes = new Map<string, PendingCode>();

  const allowedRedirects = new Set([
    `${origin}/`,
    `${origin}/callback`,
    `${origin}${authSpec.callbackPath}`,
    ...(options.redirectUris ?? []),
  ]);
  // The browser may be on localhost while the origin is configured as
  // 127.0.0.1 (or the reverse): loopback aliases on the same port are the same
  // machine (RFC 8252 §7.3), so their URIs are allowed too.
  const redirectAllowed = (uri: string) => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return false;
    }
    if (url.hash) return false;
    if (allowedRedirects.has(uri)) return true;
    if (!LOOPBACK_HOSTS.includes(url.hostname)) return false;
    return LOOPBACK_HOSTS.some((host) => {
      const alias = new URL(uri);
      alias.hostname = host;
      return allowedRedirects.has(alias.href);
    });
  };

  const sign = (claims: JWTPayload, header: { typ?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ kid: key.kid, alg: ALGORITHM, ...header })
      .sign(key.privateKey);

  const issuance = (scopes: readonly string[], authTime: number, originJti: string): Issuance => ({
    issuer,
    clientId,
    scopes,
    issuedAt: seconds(),
    authTime,
    expiresIn: tokenTtl,
    originJti,
    eventId: randomUUID(),
  });

  const emailOf = (username: string) =>
    username.includes("@") ? username : `${username}@example.test`;

  const identity = (username: string, groups: readonly string[]): Identity => ({
    sub: username,
    username,
    groups: [...new Set(groups)],
    email: emailOf(username),
  });

  // Refresh tokens are opaque to clients (Cognito's are encrypted). Ours is a
  // JWT for the token endpoint only: its `aud` is that endpoint and it has no
  // `client_id`, so the API's authorizer refuses it as an access token.
  const refreshAudience = `${issuer}/token`;
  const issueRefreshToken = (
    who: Identity,
    scopes: readonly string[],
    authTime: number,
    originJti: string,
  ) =>
    sign(
      {
        iss: issuer,
        aud: refreshAudience,
        sub: who.sub,
        username: who.username,
        groups: [...who.groups],
        scope: scopes.join(" "),
        cid: clientId,
        token_use: "refresh",
        auth_time: authTime,
        origin_jti: originJti,
        iat: seconds(),
        exp: seconds() + refreshTtl,
        jti: randomUUID(),
      },
      { typ: "refresh+jwt" },
    );

  async function tokenSet(
    who: Identity,
    scopes: readonly string[],
    authTime: number,
    originJti: string,
    extra: { nonce?: string; refreshToken?: boolean },
  ) {
    const at = issuance(scopes, authTime, originJti);
    const access_token = await sign(accessTokenClaims(who, at));
    const id_token = await sign(
      idTokenClaims(who, at, { accessToken: access_token, nonce: extra.nonce }),
    );
    return {
      access_token,
      id_token,
      ...(extra.refreshToken
        ? { refresh_token: await issueRefreshToken(who, scopes, authTime, originJti) }
        : {}),
      token_type: "Bearer",
      expires_in: tokenTtl,
    };
  }

  async function issueAccessToken(request: DevTokenRequest) {
    const username = request.username ?? request.sub;
    const who = { ...identity(username, request.groups ?? []), sub: request.sub };
    const at = issuance(
      (request.scope ?? defaultDevScope).split(/\s+/).filter(Boolean),
      seconds(),
      randomUUID(),
    );
    return sign(accessTokenClaims(who, { ...at, expiresIn: request.expiresIn ?? tokenTtl }));
  }

  // ─── Authorization request validation (shared by the GET and the POST) ───

  type AuthorizeParams = Record<string, string | undefined>;
  type Checked =
    | {
        kind: "ok";
        redirectUri: string;
        state?: string;
        scopes: string[];
        challenge: string;
        nonce?: string;
        forward: Record<string, string>;
      }
    | { kind: "json"; error: OAuthError }
    | { kind: "redirect"; location: string };

  function checkAuthorize(p: AuthorizeParams): Checked {
    if (!p.client_id)
      return { kind: "json", error: new OAuthError("invalid_request", "client_id is required") };
    if (p.client_id !== clientId)
      return {
        kind: "json",
        error: new OAuthError("invalid_client", `unknown client_id ${p.client_id}`),
      };
    if (!p.redirect_uri || !redirectAllowed(p.redirect_uri))
      return {
        kind: "json",
        error: new OAuthError(
          "invalid_request",
          `redirect_uri ${p.redirect_uri ?? "(missing)"} is not registered for ${clientId}`,
        ),
      };
    const redirectUri = p.redirect_uri;
    // From here errors go back to the client, as RFC 6749 §4.1.2.1 says.
    const fail = (error: string, description: string): Checked => {
      const url = new URL(redirectUri);
      url.searchParams.set("error", error);
      url.searchParams.set("error_description", description);
      if (p.state) url.searchParams.set("state", p.state);
      return { kind: "redirect", location: url.href };
    };
    if (p.response_type !== "code")
      return fail("unsupported_response_type", "only response_type=code is supported");
    if (!p.code_challenge)
      return fail("invalid_request", "PKCE is required: code_challenge is missing");
    if ((p.code_challenge_method ?? "plain") !== "S256")
      return fail("invalid_request", "code_challenge_method must be S256");
    if (!/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge))
      return fail("invalid_request", "code_challenge is not a base64url SHA-256");
    const requested = (p.scope ?? supportedScopes.join(" ")).split(/\s+/).filter(Boolean);
    const unknown = requested.filter((s) => !supportedScopes.includes(s));
    if (unknown.length) return fail("invalid_scope", `unknown scope: ${unknown.join(" ")}`);
    const forward: Record<string, string> = {};
    for (const name of [
      "client_id",
      "redirect_uri",
      "response_type",
      "scope",
      "state",
      "code_challenge",
      "code_challenge_method",
      "nonce",
    ])
      if (p[name] !== undefined) forward[name] = p[name];
    return {
      kind: "ok",
      redirectUri,
      state: p.state,
      scopes: [...new Set(requested)],
      challenge: p.code_challenge,
      nonce: p.nonce,
      forward,
    };
  }

  const oauthJson = (c: Context, error: OAuthError) =>
    c.json({ error: error.error, error_description: error.description }, error.status, {
      "cache-control": "no-store",
      ...(error.status === 401 ? { "www-authenticate": `Bearer error="${error.error}"` } : {}),
    });

  const htmlHeaders = {
    "cache-control": "no-store",
    "content-security-policy":
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
  };

  // ─── The app ───

  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof OAuthError) return oauthJson(c, error);
    throw error;
  });
  for (const path of ["/.well-known/*", "/token", "/userinfo"]) app.use(path, cors());

  app.get("/.well-known/openid-configuration", (c) =>
    c.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      end_session_endpoint: `${issuer}/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: [ALGORITHM],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic"],
      code_challenge_methods_supported: ["S256"],
      scopes_supported: supportedScopes,
      claims_supported: [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "email",
        "email_verified",
        "cognito:username",
        "cognito:groups",
        "username",
        "client_id",
        "scope",
        "token_use",
      ],
    }),
  );

  app.get("/.well-known/jwks.json", (c) =>
    c.json(jwks, 200, { "cache-control": "public, max-age=300" }),
  );

  app.get("/authorize", (c) => {
    const checked = checkAuthorize(c.req.query());
    if (checked.kind === "json") return oauthJson(c, checked.error);
    if (checked.kind === "redirect") return c.redirect(checked.location, 302);
    return c.html(
      loginPage({
        request: checked.forward,
        presetUsers: presets,
        operatorGroup: authSpec.operatorGroup,
      }),
      200,
      htmlHeaders,
    );
  });

  app.post("/authorize", async (c) => {
    const form = await formOf(c);
    const checked = checkAuthorize(form);
    if (checked.kind === "json") return oauthJson(c, checked.error);
    if (checked.kind === "redirect") return c.redirect(checked.location, 302);
    const username = (form.username ?? "").trim();
    const typedGroups = (form.groups ?? "").split(/[\s,]+/).filter(Boolean);
    const refuse = (message: string) =>
      c.html(
        loginPage({
          request: checked.forward,
          presetUsers: presets,
          operatorGroup: authSpec.operatorGroup,
          username,
          groups: form.groups ?? "",
          error: message,
        }),
        400,
        htmlHeaders,
      );
    if (!USERNAME.test(username))
      return refuse("Enter a username: 1–128 letters, digits or _ . @ + -");
    const badGroup = typedGroups.find((g) => !GROUP.test(g));
    if (badGroup !== undefined) return refuse(`"${badGroup}" is not a valid group name`);
    const groups = [
      ...(presets.find((u) => u.username === username)?.groups ?? []),
      ...(form.operator ? [authSpec.operatorGroup] : []),
      ...typedGroups,
    ];
    const code = randomBytes(24).toString("base64url");
    codes.set(code, {
      clientId,
      redirectUri: checked.redirectUri,
      codeChallenge: checked.challenge,
      who: identity(username, groups),
      scopes: checked.scopes,
      nonce: checked.nonce,
      authTime: seconds(),
      expiresAt: seconds() + CODE_TTL_SECONDS,
    });
    for (const [old, pending] of codes) if (pending.expiresAt < seconds()) codes.delete(old);
    const target = new URL(checked.redirectUri);
    target.searchParams.set("code", code);
    if (checked.state !== undefined) target.searchParams.set("state", checked.state);
    return c.redirect(target.href, 302);
  });

  app.post("/token", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded"))
      throw new OAuthError(
        "invalid_request",
        "the token request must be application/x-www-form-urlencoded",
      );
    const form = await formOf(c);
    const client = clientOf(c.req.header("authorization"), form.client_id);
    if (client.id !== clientId)
      throw new OAuthError(
        "invalid_client",
        `unknown client_id ${client.id ?? "(missing)"}`,
        client.basic ? 401 : 400,
      );
    const headers = { "cache-control": "no-store", pragma: "no-cache" };
    switch (form.grant_type) {
      case "authorization_code": {
        if (!form.code) throw new OAuthError("invalid_request", "code is required");
        const pending = codes.get(form.code);
        codes.delete(form.code); // one use, whatever happens next
        if (!pending || pending.expiresAt < seconds())
          throw new OAuthError(
            "invalid_grant",
            "the authorization code is invalid, used or expired",
          );
        if (pending.clientId !== client.id)
          throw new OAuthError("invalid_grant", "the code was issued to another client");
        if (form.redirect_uri !== pending.redirectUri)
          throw new OAuthError(
            "invalid_grant",
            "redirect_uri does not match the authorization request",
          );
        if (!form.code_verifier)
          throw new OAuthError("invalid_request", "code_verifier is required");
        if (!VERIFIER.test(form.code_verifier))
          throw new OAuthError(
            "invalid_request",
            "code_verifier must be 43–128 unreserved characters",
          );
        if (s256(form.code_verifier) !== pending.codeChallenge)
          throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge");
        return c.json(
          await tokenSet(pending.who, pending.scopes, pending.authTime, randomUUID(), {
            nonce: pending.nonce,
            refreshToken: true,
          }),
          200,
          headers,
        );
      }
      case "refresh_token": {
        if (!form.refresh_token)
          throw new OAuthError("invalid_request", "refresh_token is required");
        const refresh = await verifyRefreshToken(form.refresh_token);
        if (refresh.cid !== client.id)
          throw new OAuthError("invalid_grant", "the refresh token was issued to another client");
        const who: Identity = {
          ...identity(String(refresh.username), refresh.groups as string[]),
          sub: String(refresh.sub),
        };
        // Like Cognito (no rotation): new access and id tokens, the same refresh token stays valid.
        return c.json(
          await tokenSet(
            who,
            String(refresh.scope).split(" "),
            Number(refresh.auth_time),
            String(refresh.origin_jti),
            {},
          ),
          200,
          headers,
        );
      }
      case undefined:
        throw new OAuthError("invalid_request", "grant_type is required");
      default:
        throw new OAuthError(
          "unsupported_grant_type",
          `grant_type ${form.grant_type} is not supported`,
        );
    }
  });

  async function verifyRefreshToken(token: string) {
    try {
      const { payload } = await jwtVerify(token, async () => key.publicJwk, {
        issuer,
        audience: refreshAudience,
        typ: "refresh+jwt",
        algorithms: [ALGORITHM],
        currentDate: new Date(now()),
      });
      if (payload.token_use !== "refresh" || !Array.isArray(payload.groups))
        throw new Error("not a refresh token");
      return payload;
    } catch {
      throw new OAuthError("invalid_grant", "the refresh token is invalid or expired");
    }
  }

  const userinfo = async (c: Context) => {
    const token = (c.req.header("authorization") ?? "").replace(/^Bearer\s+/i, "");
    try {
      const { payload } = await jwtVerify(token, async () => key.publicJwk, {
        issuer,
        algorithms: [ALGORITHM],
        currentDate: new Date(now()),
      });
      if (payload.token_use !== "access" || payload.client_id !== clientId)
        throw new Error("not an access token");
      const username = String(payload.username);
      return c.json({
        sub: payload.sub,
        email_verified: "true",
        email: emailOf(username),
        username,
        ...(payload["cognito:groups"] ? { "cognito:groups": payload["cognito:groups"] } : {}),
      });
    } catch {
      throw new OAuthError("invalid_token", "the access token is invalid or expired", 401);
    }
  };
  app.get("/userinfo", userinfo);
  app.post("/userinfo", userinfo);

  // RP-initiated logout (OIDC's post_logout_redirect_uri, or Cognito's logout_uri).
  // There is no provider session to end: the login page always asks.
  app.get("/logout", (c) => {
    const q = c.req.query();
    const target = q.post_logout_redirect_uri ?? q.logout_uri;
    if (target === undefined)
      return c.html(
        '<!doctype html><html lang="en"><title>Signed out</title><main><h1>Signed out</h1></main></html>',
        200,
        htmlHeaders,
      );
    if (q.client_id !== undefined && q.client_id !== clientId)
      throw new OAuthError("invalid_client", `unknown client_id ${q.client_id}`);
    if (!redirectAllowed(target))
      throw new OAuthError("invalid_request", `${target} is not a registered logout URI`);
    const url = new URL(target);
    if (q.state !== undefined && q.post_logout_redirect_uri !== undefined)
      url.searchParams.set("state", q.state);
    return c.redirect(url.href, 302);
  });

  // ⚠ Local cloud only: a token for anyone, no sign-in. Never deployed.
  app.post("/dev/token", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new OAuthError("invalid_request", 'send JSON: {"sub": "...", "groups": ["ops"]}');
    }
    const parsed = DevTokenBody.safeParse(body);
    if (!parsed.success)
      throw new OAuthError(
        "invalid_request",
        parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
      );
    const scope = parsed.data.scope ?? defaultDevScope;
    const unknown = scope.split(/\s+/).filter((s) => s && !supportedScopes.includes(s));
    if (unknown.length)
      throw new OAuthError("invalid_scope", `unknown scope: ${unknown.join(" ")}`);
    const expiresIn = parsed.data.expiresIn ?? tokenTtl;
    return c.json(
      {
        access_token: await issueAccessToken({ ...parsed.data, scope, expiresIn }),
        token_type: "Bearer",
        expires_in: expiresIn,
      },
      200,
      { "cache-control": "no-store" },
    );
  });

  return { app, issuer, clientId, kid: key.kid, jwks, issueAccessToken, sign };
}

async function formOf(c: Context): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody();
  const form: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body))
    if (typeof value === "string") form[name] = value;
  return form;
}

/** The client id from HTTP Basic (confidential clients) or the form (public clients). */
function clientOf(authorization: string | undefined, formClientId: string | undefined) {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
  if (basic) {
    const [id] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":");
    return { id: id ? decodeURIComponent(id) : undefined, basic: true };
  }
  return { id: formClientId, basic: false };
}
