// Opaque nextToken/maxResults handling shared by the List*/GetExecutionHistory actions.
import { apiError } from "./errors";

export function pageOf(body: Record<string, unknown>, scope: string) {
  const max = body.maxResults ?? 0;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 0 || max > 1000) {
    throw apiError("ValidationException", "maxResults must be an integer between 0 and 1000");
  }
  let offset = 0;
  if (body.nextToken !== undefined && body.nextToken !== null) {
    try {
      const parsed = JSON.parse(Buffer.from(String(body.nextToken), "base64url").toString("utf8"));
      if (parsed.s !== scope || !Number.isInteger(parsed.o) || parsed.o < 0)
        throw new Error("scope");
      offset = parsed.o;
    } catch {
      throw apiError("InvalidToken", "Invalid Token: 'Invalid token'");
    }
  }
  return { offset, limit: max === 0 ? 100 : max };
}

/** Fetch one extra row to know whether a next page exists. */
export function nextTokenFor<T>(rows: T[], offset: number, limit: number, scope: string) {
  if (rows.length <= limit) return { items: rows, nextToken: undefined };
  const token = Buffer.from(JSON.stringify({ s: scope, o: offset + limit })).toString("base64url");
  return { items: rows.slice(0, limit), nextToken: token };
}
