// Opaque pagination tokens for every List*/Get*History action: an offset bound
// to the listing it came from (a token from another listing is invalid).

export interface PageToken {
  /** The listing the token belongs to (action + its filter). */
  scope: string;
  offset: number;
}

export function encodePageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString("base64url");
}

/** The offset a token points at; `invalid()` is thrown for a forged, foreign or malformed token. */
export function decodePageToken(token: string, scope: string, invalid: () => Error): number {
  let parsed: { s?: unknown; o?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (
    !parsed ||
    parsed.s !== scope ||
    typeof parsed.o !== "number" ||
    !Number.isInteger(parsed.o) ||
    parsed.o < 0
  )
    throw invalid();
  return parsed.o;
}

/** One page of an in-memory listing, with the token for the next one if there is more. */
export function pageOfItems<T>(
  items: T[],
  scope: string,
  limit: number,
  token: string | undefined,
  invalid: () => Error,
): { page: T[]; nextToken?: string } {
  const offset = token === undefined ? 0 : decodePageToken(token, scope, invalid);
  const page = items.slice(offset, offset + limit);
  if (offset + limit >= items.length) return { page };
  return { page, nextToken: encodePageToken(scope, offset + limit) };
}

/** For a query that fetched `limit + 1` rows: the page and, if that extra row exists, the next token. */
export function pageOfRows<T>(rows: T[], offset: number, limit: number, scope: string) {
  if (rows.length <= limit) return { items: rows, nextToken: undefined };
  return { items: rows.slice(0, limit), nextToken: encodePageToken(scope, offset + limit) };
}
