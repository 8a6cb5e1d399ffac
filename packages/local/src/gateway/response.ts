// How API Gateway turns a payload 2.0 function result into an HTTP response.
// A result with a `statusCode` is taken as a structured response (headers,
// cookies → one set-cookie each, body, isBase64Encoded). Anything else that is
// valid JSON is the body of a 200 with content-type application/json — a
// string as it is, any other value serialised. A result that is neither is the
// integration's fault: 500.

export class MalformedResponse extends Error {}

export function toResponse(result: unknown): {
  status: number;
  headers: Headers;
  body: Uint8Array | string | null;
} {
  const headers = new Headers();
  if (result === null || typeof result !== "object" || !("statusCode" in result)) {
    headers.set("content-type", "application/json");
    return {
      status: 200,
      headers,
      body: typeof result === "string" ? result : (JSON.stringify(result) ?? "null"),
    };
  }
  const structured = result as {
    statusCode: unknown;
    headers?: unknown;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const status = Number(structured.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw new MalformedResponse(
      `statusCode ${String(structured.statusCode)} is not an HTTP status`,
    );
  if (structured.headers !== undefined) {
    if (structured.headers === null || typeof structured.headers !== "object")
      throw new MalformedResponse("headers is not an object");
    for (const [name, value] of Object.entries(structured.headers))
      if (value !== undefined && value !== null) headers.set(name, String(value));
  }
  if (structured.cookies !== undefined) {
    if (!Array.isArray(structured.cookies)) throw new MalformedResponse("cookies is not an array");
    for (const cookie of structured.cookies) headers.append("set-cookie", String(cookie));
  }
  const body = structured.body;
  if (body !== undefined && body !== null && typeof body !== "string")
    throw new MalformedResponse("body is not a string");
  const noBody = status === 204 || status === 304 || status < 200;
  if (noBody || !body) return { status, headers, body: null };
  return {
    status,
    headers,
    body: structured.isBase64Encoded === true ? Buffer.from(body, "base64") : body,
  };
}
