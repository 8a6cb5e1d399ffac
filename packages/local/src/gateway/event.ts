import type { HttpApiEvent } from "./types";

// The payload format 2.0 event, built as API Gateway builds it: lower-cased
// header names with duplicates joined by commas, the Cookie header moved to
// `cookies`, duplicate query parameters joined by commas, decoded path
// parameters, the request time in Common Log Format, and a body that is
// base64-encoded unless its content type is text.

export interface EventInput {
  method: string;
  /** The path as received (still percent-encoded). */
  rawPath: string;
  rawQueryString: string;
  /** Header name/value pairs as received, duplicates included. */
  headerPairs: Iterable<readonly [string, string]>;
  body: Uint8Array;
  routeKey: string;
  pathParameters: Record<string, string>;
  requestId: string;
  sourceIp: string;
  accountId: string;
  apiId: string;
  now: number;
  authorizer?: { claims: Record<string, string>; scopes: string[] | null };
}

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|xml|javascript|ecmascript|graphql|ld\+json)\b/,
  /^application\/[\w.-]+\+(json|xml)\b/,
];

/** Whether API Gateway passes a body of this content type as text (else base64). */
export const isTextContentType = (contentType: string | undefined) =>
  contentType !== undefined && TEXT_TYPES.some((re) => re.test(contentType.trim().toLowerCase()));

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** "12/Mar/2020:19:03:58 +0000", the format of requestContext.time. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

const decodeQuery = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
};

export function buildEvent(input: EventInput): HttpApiEvent {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [rawName, value] of input.headerPairs) {
    const name = rawName.toLowerCase();
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }

  const query: Record<string, string> = {};
  for (const pair of input.rawQueryString.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = decodeQuery(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decodeQuery(pair.slice(eq + 1));
    query[key] = key in query ? `${query[key]},${value}` : value;
  }

  const domainName = headers.host ?? "localhost";
  const hasBody = input.body.byteLength > 0;
  const text = isTextContentType(headers["content-type"]);
  return {
    version: "2.0",
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: input.accountId,
      apiId: input.apiId,
      ...(input.authorizer ? { authorizer: { jwt: input.authorizer } } : {}),
      domainName,
      domainPrefix: domainName.split(".")[0]!,
      http: {
        method: input.method,
        path: input.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: input.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: "$default",
      time: clfTime(input.now),
      timeEpoch: input.now,
    },
    ...(Object.keys(input.pathParameters).length ? { pathParameters: input.pathParameters } : {}),
    ...(hasBody
      ? {
          body: text
            ? new TextDecoder().decode(input.body)
            : Buffer.from(input.body).toString("base64"),
        }
      : {}),
    isBase64Encoded: hasBody && !text,
  };
}
