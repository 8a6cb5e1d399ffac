import { createHash, randomUUID } from "node:crypto";

// The claims Cognito puts in its tokens, so code written against a Cognito
// user pool reads the same claims locally. Access tokens carry `client_id`
// and no `aud` (the HTTP API authorizer then checks `client_id`); id tokens
// carry `aud` = the client id. Groups are `cognito:groups`, left out when the
// user is in none (as Cognito does).

export interface Identity {
  sub: string;
  username: string;
  groups: readonly string[];
  email?: string;
}

export interface Issuance {
  issuer: string;
  clientId: string;
  scopes: readonly string[];
  /** Seconds since the epoch. */
  issuedAt: number;
  authTime: number;
  expiresIn: number;
  /** Shared by every token of one sign-in (and the refreshes that follow it). */
  originJti: string;
  eventId: string;
}

const groupsClaim = (groups: readonly string[]) =>
  groups.length ? { "cognito:groups": [...groups] } : {};

export function accessTokenClaims(who: Identity, at: Issuance): Record<string, unknown> {
  return {
    sub: who.sub,
    ...groupsClaim(who.groups),
    iss: at.issuer,
    version: 2,
    client_id: at.clientId,
    origin_jti: at.originJti,
    event_id: at.eventId,
    token_use: "access",
    scope: at.scopes.join(" "),
    auth_time: at.authTime,
    exp: at.issuedAt + at.expiresIn,
    iat: at.issuedAt,
    jti: randomUUID(),
    username: who.username,
  };
}

export function idTokenClaims(
  who: Identity,
  at: Issuance,
  extra: { accessToken?: string; nonce?: string },
): Record<string, unknown> {
  const wantsEmail = at.scopes.includes("email") && who.email !== undefined;
  return {
    ...(extra.accessToken ? { at_hash: atHash(extra.accessToken) } : {}),
    sub: who.sub,
    ...groupsClaim(who.groups),
    ...(wantsEmail ? { email_verified: true } : {}),
    iss: at.issuer,
    "cognito:username": who.username,
    ...(extra.nonce ? { nonce: extra.nonce } : {}),
    origin_jti: at.originJti,
    aud: at.clientId,
    event_id: at.eventId,
    token_use: "id",
    auth_time: at.authTime,
    exp: at.issuedAt + at.expiresIn,
    iat: at.issuedAt,
    jti: randomUUID(),
    ...(wantsEmail ? { email: who.email } : {}),
  };
}

/** OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url. */
export function atHash(accessToken: string): string {
  const digest = createHash("sha256").update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = (verifier: string) =>
  createHash("sha256").update(verifier, "ascii").digest("base64url");
