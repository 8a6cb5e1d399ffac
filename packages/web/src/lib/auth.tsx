import { groupsOf } from "@orders/core/auth";
import { auth as authSpec } from "@orders/core/topology";
import { type User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import { createContext, type ReactNode, use, useEffect, useMemo, useState } from "react";
import { env } from "../config/env";

// OpenID Connect code flow with PKCE (oidc-client-ts), the same code for
// Cognito in AWS and the local cloud's provider. The session lives in
// localStorage so a reload keeps you signed in (and Playwright's storageState
// can carry it). Groups are read from the access token for the UI only; the
// admin API checks them again.

export const userManager = new UserManager({
  authority: env.VITE_OIDC_AUTHORITY,
  client_id: env.VITE_OIDC_CLIENT_ID,
  redirect_uri: `${window.location.origin}${authSpec.callbackPath}`,
  post_logout_redirect_uri: `${window.location.origin}/`,
  scope: env.VITE_OIDC_SCOPE,
  response_type: "code",
  userStore: new WebStorageStateStore({ store: window.localStorage }),
  automaticSilentRenew: false,
  loadUserInfo: false,
});

export interface Session {
  user: User;
  sub: string;
  name: string;
  groups: string[];
  isOperator: boolean;
  accessToken: string;
}

function claimsOf(jwt: string): Record<string, unknown> {
  try {
    const payload = jwt.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function toSession(user: User): Session {
  const claims = { ...user.profile, ...claimsOf(user.access_token) } as Record<string, unknown>;
  const groups = groupsOf(claims);
  const name = String(
    claims.email ?? claims.username ?? claims["cognito:username"] ?? user.profile.sub,
  );
  return {
    user,
    sub: user.profile.sub,
    name,
    groups,
    isOperator: groups.includes(env.VITE_OPERATOR_GROUP),
    accessToken: user.access_token,
  };
}

interface AuthState {
  status: "loading" | "signed-out" | "signed-in";
  session: Session | null;
  signIn: (returnTo?: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    let live = true;
    userManager.getUser().then((u) => live && setUser(u && !u.expired ? u : null));
    const loaded = (u: User) => setUser(u);
    const unloaded = () => setUser(null);
    userManager.events.addUserLoaded(loaded);
    userManager.events.addUserUnloaded(unloaded);
    userManager.events.addAccessTokenExpired(unloaded);
    return () => {
      live = false;
      userManager.events.removeUserLoaded(loaded);
      userManager.events.removeUserUnloaded(unloaded);
      userManager.events.removeAccessTokenExpired(unloaded);
    };
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      status: user === undefined ? "loading" : user ? "signed-in" : "signed-out",
      session: user ? toSession(user) : null,
      signIn: (returnTo = window.location.pathname + window.location.search) =>
        userManager.signinRedirect({ state: { returnTo } }),
      signOut: async () => {
        await userManager.removeUser();
        setUser(null);
      },
    }),
    [user],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthState {
  const state = use(AuthContext);
  if (!state) throw new Error("useAuth outside <AuthProvider>");
  return state;
}

/** The current access token, for the API client (outside React). */
export async function currentAccessToken(): Promise<string | undefined> {
  const user = await userManager.getUser();
  return user && !user.expired ? user.access_token : undefined;
}
