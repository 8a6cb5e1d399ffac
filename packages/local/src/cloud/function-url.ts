import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { LOOPBACK } from "../config";
import type { LambdaRunner } from "../lambda/runner";

// A Lambda function URL on a loopback port: each request becomes an API Gateway
// v2 (payload 2.0) event, the function's result becomes the response — how the
// sandbox payment provider is reached, here as on AWS.

export function toHttpApiEvent(req: IncomingMessage, body: Buffer, routeKey = "$default") {
  const url = new URL(req.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (k === "cookie") cookies.push(...String(v).split(/;\s*/));
    else headers[k] = Array.isArray(v) ? v.join(",") : v;
  }
  const text = body.toString("utf8");
  const binary = body.length > 0 && Buffer.from(text, "utf8").length !== body.length;
  const now = new Date();
  return {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(url.search
      ? { queryStringParameters: Object.fromEntries(url.searchParams.entries()) }
      : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: headers.host ?? LOOPBACK,
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: req.socket.remoteAddress ?? LOOPBACK,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: binary ? body.toString("base64") : text } : {}),
    isBase64Encoded: binary,
  };
}

interface HttpResult {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * Faults the local cloud applies in front of a function URL, decided per
 * request, so the function's own code has no fault switches (a sandbox
 * provider's outage, latency, or an answer lost after it acted).
 */
export interface FunctionUrlFaults {
  /** Held before the function is invoked. */
  latencyMs?: number;
  /** Answer 503 without invoking the function: the service is down. */
  outage?: boolean;
  /** Invoke the function, then drop the connection: it acted, the caller never hears. */
  loseResponse?: boolean;
}

export interface FunctionUrlOptions {
  /** The faults for one request (chaos mode's schedule, a test's switch). */
  faults?: () => FunctionUrlFaults;
  /**
   * `AuthType: AWS_IAM`: whether the SigV4 signer (its access key id, or
   * undefined for an unsigned request) may invoke the URL. Refused: 403, as AWS answers.
   */
  authorize?: (accessKeyId: string | undefined) => Promise<boolean>;
}

/** The access key id of a SigV4 `Authorization` header, if the request is signed. */
export const signerOf = (req: IncomingMessage) =>
  /^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]+)\//.exec(req.headers.authorization ?? "")?.[1];

export async function serveFunctionUrl(
  runner: LambdaRunner,
  functionName: string,
  port = 0,
  options: FunctionUrlOptions = {},
) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (options.authorize && !(await options.authorize(signerOf(req)))) {
      res.writeHead(403, {
        "content-type": "application/json",
        "x-amzn-errortype": "AccessDeniedException",
      });
      return res.end(JSON.stringify({ Message: "Forbidden" }));
    }
    const faults = options.faults?.() ?? {};
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.outage) {
      res.writeHead(503, { "content-type": "application/json" });
      return res.end(
        JSON.stringify({ code: "SERVICE_UNAVAILABLE", message: "Injected outage (local cloud)" }),
      );
    }
    const event = toHttpApiEvent(req, Buffer.concat(chunks));
    const out = await runner.invoke(functionName, event);
    if (faults.loseResponse) return void req.socket.destroy();
    if (out.functionError) {
      res.writeHead(502, { "content-type": "application/json" });
      return res.end(JSON.stringify({ message: "Internal Server Error" }));
    }
    const result = (out.payload ?? {}) as HttpResult;
    const headers: Record<string, string | string[]> = { ...(result.headers ?? {}) };
    if (result.cookies?.length) headers["set-cookie"] = result.cookies;
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(
      result.body
        ? Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8")
        : undefined,
    );
  });
  await new Promise<void>((done) => server.listen(port, LOOPBACK, () => done()));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${actual}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
