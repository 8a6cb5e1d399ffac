import { z } from "zod";

// The caller's claims as they reach us. Cognito puts the user's groups in
// `cognito:groups`, a JSON array in the token. API Gateway's JWT authorizer
// hands claims over as strings, a list rendered "[ops other]" (several) or
// "ops" (one); a local gateway or the browser's decoded token has the array.
// One parser for every shape, so the admin API, the order status API and the
// console agree on who is an operator.

/** A list claim (`cognito:groups`, `scope`) in any shape it arrives in; anything else is no items. */
export const ListClaim = z.unknown().transform((value): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (!text) return [];
  if (text.startsWith("[") && text.endsWith("]")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // API Gateway's "[a b]" form
    }
  }
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return inner
    .split(/[\s,]+/)
    .map((item) => item.replace(/^"|"$/g, ""))
    .filter(Boolean);
});

/** The groups claim of a token's claims. */
export const GroupsClaim = z
  .looseObject({ "cognito:groups": z.unknown().optional() })
  .transform((claims) => ListClaim.parse(claims["cognito:groups"]));

/** The user's groups, from a token's (or an authorizer's) claims. */
export const groupsOf = (claims: Record<string, unknown> | undefined): string[] =>
  GroupsClaim.parse(claims ?? {});
