import { z } from "zod";

// The console's build-time settings (VITE_*), validated once at start-up so a
// missing or malformed value fails with a readable message instead of a blank
// page. Defaults fit the local cloud: the API and the OIDC provider share the
// console's origin.

const origin = typeof window === "undefined" ? "http://localhost:3000" : window.location.origin;

const Env = z.object({
  VITE_API_BASE: z
    .string()
    .regex(/^(\/|https?:\/\/)/, "a path like /api or an absolute URL")
    .default("/api"),
  VITE_OIDC_AUTHORITY: z
    .url("the OIDC issuer URL (Cognito's, or http://localhost:3000/auth)")
    .default(`${origin}/auth`),
  VITE_OIDC_CLIENT_ID: z.string().min(1).default("orders-console"),
  VITE_OIDC_SCOPE: z.string().min(1).default("openid email profile orders/read orders/write"),
  VITE_OPERATOR_GROUP: z.string().min(1).default("ops"),
});

export type Env = z.infer<typeof Env>;

function parseEnv(): Env {
  const raw = Object.fromEntries(
    Object.entries(import.meta.env).filter(
      ([key, value]) => key.startsWith("VITE_") && value !== "",
    ),
  );
  const parsed = Env.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join(".")}: ${i.message}`)
      .join("\n");
    throw new Error(`The console's configuration is invalid:\n${problems}`);
  }
  return parsed.data;
}

export const env = parseEnv();
