// The wire formats, once: which protocol a request speaks, and replies in each.
import type { IncomingHttpHeaders } from "node:http";
import { decodeCbor, encodeCbor } from "./cbor";
import { AwsError, errorTypeHeader, jsonErrorBody, xmlError } from "./errors";
import type { AwsRequest, AwsResponse, Protocol } from "./types";

export type JsonVersion = "1.0" | "1.1";

/** What the wire says before any service is chosen. */
export type WireCall =
  | { protocol: "json"; prefix: string; operation: string; target: string }
  | { protocol: "cbor"; serviceId: string; operation: string }
  | { protocol: "query"; signingName: string | undefined; params: Record<string, string> }
  | { protocol: "rest" };

/** The SigV4 credential scope's service (`.../us-east-1/sqs/aws4_request`), if signed. */
export const signingNameOf = (headers: IncomingHttpHeaders) =>
  /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(
    String(headers.authorization ?? ""),
  )?.[1];

/** The SigV4 access key id (header or presigned query), or "anonymous". */
export function principalOf(headers: IncomingHttpHeaders, query: URLSearchParams): string {
  const header = /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ""))?.[1];
  return header ?? query.get("X-Amz-Credential")?.split("/")[0] ?? "anonymous";
}

export function identify(
  method: string,
  path: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: Buffer,
): WireCall {
  const target = String(headers["x-amz-target"] ?? "");
  if (target) {
    const dot = target.indexOf(".");
    return {
      protocol: "json",
      target,
      prefix: dot === -1 ? target : target.slice(0, dot),
      operation: dot === -1 ? "" : target.slice(dot + 1),
    };
  }
  const rpcV2 = /^\/service\/([^/]+)\/operation\/([^/?]+)$/.exec(path);
  if (rpcV2 && method === "POST")
    return { protocol: "cbor", serviceId: rpcV2[1]!, operation: rpcV2[2]! };
  const form = String(headers["content-type"] ?? "").startsWith(
    "application/x-www-form-urlencoded",
  );
  if (form || query.has("Action"))
    return {
      protocol: "query",
      signingName: signingNameOf(headers),
      params: Object.fromEntries(form ? new URLSearchParams(body.toString("utf8")) : query),
    };
  return { protocol: "rest" };
}

/** A JSON object body, `{}` for an empty one, `undefined` when it is not an object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString("utf8");
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A CBOR map body, `{}` for an empty one, `undefined` when it is not a map. */
export function decodeCborObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const value = decodeCbor(body);
    return value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A Smithy RPC v2 CBOR reply. */
export function cborReply(
  request: Pick<AwsRequest, "requestId">,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): AwsResponse {
  return {
    status,
    headers: {
      "content-type": "application/cbor",
      "smithy-protocol": "rpc-v2-cbor",
      "x-amzn-requestid": request.requestId,
      ...headers,
    },
    body: encodeCbor(value),
  };
}

/** A JSON reply; an error body's `__type` also goes into `x-amzn-errortype`. */
export function jsonReply(
  request: Pick<AwsRequest, "requestId">,
  status: number,
  value: unknown,
  contentType = "application/x-amz-json-1.0",
  headers: Record<string, string> = {},
): AwsResponse {
  const type = (value as { __type?: unknown } | null)?.__type;
  return {
    status,
    headers: {
      "content-type": contentType,
      "x-amzn-requestid": request.requestId,
      ...(typeof type === "string" ? { "x-amzn-errortype": errorTypeHeader(type) } : {}),
      ...headers,
    },
    body: JSON.stringify(value ?? {}),
  };
}

export const jsonContentType = (version: JsonVersion) => `application/x-amz-json-${version}`;

export function xmlReply(request: Pick<AwsRequest, "requestId">, status: number, text: string) {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": request.requestId },
    body: text,
  } satisfies AwsResponse;
}

/** An AwsError in the request's protocol (JSON for json and rest callers, CBOR for RPC v2 CBOR ones). */
export function errorReply(
  request: Pick<AwsRequest, "requestId"> & { protocol: Protocol },
  error: AwsError,
  jsonVersion: JsonVersion = "1.0",
): AwsResponse {
  if (request.protocol === "query")
    return xmlReply(
      request,
      error.status,
      xmlError(
        error.queryCode ?? error.code,
        error.message,
        request.requestId,
        error.status >= 500 ? "Receiver" : "Sender",
      ),
    );
  // Query-compatible services (SQS, CloudWatch) name the query code in a header the SDK reads.
  const queryError: Record<string, string> = error.queryCode
    ? { "x-amzn-query-error": `${error.queryCode};${error.status >= 500 ? "Receiver" : "Sender"}` }
    : {};
  if (request.protocol === "cbor")
    return cborReply(request, error.status, jsonErrorBody(error.code, error.message), queryError);
  return jsonReply(
    request,
    error.status,
    jsonErrorBody(error.code, error.message),
    request.protocol === "json" ? jsonContentType(jsonVersion) : "application/json",
    queryError,
  );
}

export { AwsError };
