// Limit/NextToken paging for the List* actions: an opaque offset bound to the listing.
import { apiError } from "./errors";

export function paginate<T>(
  items: T[],
  scope: string,
  limit: number | undefined,
  token: string | undefined,
): { page: T[]; NextToken?: string } {
  let offset = 0;
  if (token !== undefined) {
    try {
      const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
      if (parsed.s !== scope || !Number.isInteger(parsed.o) || parsed.o < 0) throw new Error();
      offset = parsed.o;
    } catch {
      throw apiError("ValidationException", "The NextToken provided is not valid.");
    }
  }
  const size = limit ?? 100;
  const page = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { page };
  const NextToken = Buffer.from(JSON.stringify({ s: scope, o: offset + size })).toString(
    "base64url",
  );
  return { page, NextToken };
}
