import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";

// The HTTP API's JWT authorizer, step by step as AWS documents it: the token
// from the Authorization header (a "Bearer " prefix is optional), an RSA
// signature by a key of the issuer's JWKS (matched by `kid`), `iss` equal to
// the issuer, `aud` containing an audience — or, only when there is no `aud`,
// `client_id` being one — `exp` in the future, `nbf` and `iat` not, and
// `scope`/`scp` holding one of the route's scopes. No clock skew is allowed.
// Claims reach the function as strings, arrays rendered "[a b]" as AWS does.

export interface JwtAuthorizerConfig {
  issuer: string;
  /** The authorizer's audiences (the app client id). */
  audience: readonly string[];
  jwks: JSONWebKeySet;
  now: () => number;
}

export type AuthorizerResult =
  | { ok: true; claims: Record<string, string>; tokenScopes: string[] }
  | { ok: false; status: 401 | 403; wwwAuthenticate: string; reason: string };

const RSA_ALGORITHMS = ["RS256", "RS384", "RS512"];

/** Tokens remembered as verified (a client sends the same one until it expires). */
const VERIFIED_TOKENS = 1024;

const unauthorized = (reason: string): AuthorizerResult => ({
  ok: false,
  status: 401,
  reason,
  wwwAuthenticate: `Bearer scope="" error="invalid_token" error_description="${reason}"`,
});

export function createJwtAuthorizer(config: JwtAuthorizerConfig) {
  const keys = createLocalJWKSet(config.jwks);

  // Checking an RSA signature is most of the gateway's work per request, and
  // its outcome for a given token text (header, payload and signature) never
  // changes. A token that verified is remembered by that exact text, so any
  // other bytes are verified afresh; what does change, the token's validity
  // in time, is checked on every request.
  const verified = new Map<string, JWTPayload>();
  async function verify(token: string): Promise<JWTPayload> {
    const known = verified.get(token);
    if (known) {
      const now = Math.floor(config.now() / 1000);
      if (typeof known.exp === "number" && known.exp <= now) {
        verified.delete(token);
        throw new errors.JWTExpired("expired", known);
      }
      if (typeof known.nbf === "number" && known.nbf > now)
        throw new errors.JWTClaimValidationFailed("not valid yet", known, "nbf");
      return known;
    }
    const { payload } = await jwtVerify(token, keys, {
      algorithms: RSA_ALGORITHMS,
      currentDate: new Date(config.now()),
    });
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, payload);
    return payload;
  }

  return async function authorize(
    authorization: string | undefined,
    routeScopes: readonly string[],
  ): Promise<AuthorizerResult> {
    const token = (authorization ?? "").replace(/^Bearer\s+/i, "").trim();
    if (!token) return { ok: false, status: 401, reason: "no token", wwwAuthenticate: "Bearer" };

    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      return unauthorized(describe(error));
    }
    const now = config.now() / 1000;
    if (payload.iss !== config.issuer) return unauthorized("the token has an invalid issuer");
    if (payload.aud !== undefined) {
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!aud.some((a) => config.audience.includes(a)))
        return unauthorized("the token does not have a valid audience");
    } else if (
      typeof payload.client_id !== "string" ||
      !config.audience.includes(payload.client_id)
    ) {
      return unauthorized("the token does not have a valid audience");
    }
    if (typeof payload.exp !== "number") return unauthorized("the token has no expiry");
    if (typeof payload.iat === "number" && payload.iat > now)
      return unauthorized("the token was issued in the future");

    const tokenScopes = scopesOf(payload);
    if (routeScopes.length && !routeScopes.some((s) => tokenScopes.includes(s))) {
      const expected = routeScopes.join(" ");
      return {
        ok: false,
        status: 403,
        reason: "insufficient scope",
        wwwAuthenticate: `Bearer scope="${expected}" error="insufficient_scope" error_description="expected scopes: [${expected}]"`,
      };
    }
    return { ok: true, claims: renderClaims(payload), tokenScopes };
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf")
    return "the token is not valid yet";
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the token signature is invalid";
  if (error instanceof errors.JWKSNoMatchingKey)
    return "no key in the JWKS matches the token's kid";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's signing method is not allowed";
  return "the token is malformed";
}

/** `scope` (space-separated, Cognito and OAuth) or `scp` (string or array, Entra ID). */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (Array.isArray(raw)) return raw.map(String);
  return typeof raw === "string" ? raw.split(" ").filter(Boolean) : [];
}

/** Claim values as API Gateway hands them to Lambda: every value a string. */
export function renderClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, renderClaim(v)]));
}

// API Gateway is written in Go and prints values the way fmt does: arrays as
// "[a b]", objects as "map[k:v]" (sorted keys), null as "".
function renderClaim(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return `[${value.map(renderClaim).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `map[${entries.map(([k, v]) => `${k}:${renderClaim(v)}`).join(" ")}]`;
  }
  return String(value);
}
