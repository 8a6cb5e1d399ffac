// Forwarding a request to an engine we do not implement ourselves (DynamoDB
// Local, fauxqs): the dispatcher's handler for those services.
import { Agent, type IncomingHttpHeaders, request } from "node:http";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
  "expect",
]);

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function forward(
  endpoint: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<Upstream> {
  const url = new URL(path, endpoint);
  const outHeaders: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined && !HOP_BY_HOP.has(k)) outHeaders[k] = v;
  outHeaders["content-length"] = String(body.length);
  return new Promise((done, fail) => {
    const req = request(url, { method, headers: outHeaders, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        done({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end(body);
  });
}

/** An upstream's headers as ours (hop-by-hop ones dropped). */
export function passHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}
