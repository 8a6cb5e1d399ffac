import type { Page } from "@playwright/test";

// A signed-in browser without a round trip through an identity provider: the
// user object oidc-client-ts keeps in localStorage, with an unsigned token
// carrying the claims the console reads. Only for pages whose API is mocked
// (the preview suite); the real suite signs in through the provider.

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function fakeAccessToken(claims: { sub: string; groups: string[]; username?: string }) {
  return [
    b64url({ alg: "none", typ: "JWT" }),
    b64url({
      sub: claims.sub,
      username: claims.username ?? claims.sub,
      "cognito:groups": claims.groups,
      token_use: "access",
      scope: "openid orders/read orders/write",
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
    "unsigned",
  ].join(".");
}

export async function signInAs(
  page: Page,
  baseURL: string,
  who: { sub: string; groups: string[]; email?: string },
  clientId = "orders-console",
) {
  const authority = `${baseURL}/auth`;
  const user = {
    id_token: fakeAccessToken(who),
    access_token: fakeAccessToken(who),
    token_type: "Bearer",
    scope: "openid email profile orders/read orders/write",
    profile: {
      sub: who.sub,
      email: who.email ?? `${who.sub}@example.test`,
      "cognito:groups": who.groups,
    },
    expires_at: Math.floor(Date.now() / 1000) + 3600,
  };
  await page.addInitScript(
    ([key, value]) =>
      (
        globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
      ).localStorage.setItem(key, value),
    [`oidc.user:${authority}:${clientId}`, JSON.stringify(user)] as const,
  );
}
