// The node:http side of the dispatcher: reads the body (bounded), dispatches,
// writes the reply. The :4566 endpoint and the services' test servers use it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Dispatcher } from "./dispatcher";
import { errorTypeHeader, jsonErrorBody } from "./errors";
import type { AwsResponse } from "./types";

/** Everything binds to loopback (the local cloud's config.ts LOOPBACK; this layer imports nothing of the cloud). */
const LOOPBACK = "127.0.0.1";

/** Largest request accepted (DynamoDB BatchWriteItem's 16 MB); services check their own limits below it. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface ListenerOptions {
  /** Requests the endpoint answers itself (`/_local/*`), before the dispatcher. */
  local?: (req: IncomingMessage, body: Buffer) => Promise<AwsResponse | undefined>;
  defaultHost?: string;
  maxBytes?: number;
}

export function writeResponse(res: ServerResponse, out: AwsResponse) {
  const body = typeof out.body === "string" ? Buffer.from(out.body) : out.body;
  res.writeHead(out.status, { ...out.headers, "content-length": body.length });
  res.end(body);
}

const jsonFailure = (status: number, code: string, message: string): AwsResponse => ({
  status,
  headers: {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-errortype": errorTypeHeader(code),
  },
  body: JSON.stringify(jsonErrorBody(code, message)),
});

export function createAwsListener(dispatcher: Dispatcher, options: ListenerOptions = {}) {
  const maxBytes = options.maxBytes ?? MAX_REQUEST_BYTES;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= maxBytes) chunks.push(chunk as Buffer);
    }
    try {
      if (size > maxBytes)
        return writeResponse(
          res,
          jsonFailure(413, "RequestEntityTooLarge", `Request body exceeds ${maxBytes} bytes`),
        );
      const body = Buffer.concat(chunks);
      const out =
        (await options.local?.(req, body)) ??
        (await dispatcher.dispatch({
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers,
          body,
          defaultHost: options.defaultHost,
        }));
      writeResponse(res, out);
    } catch (error) {
      if (res.headersSent) return res.destroy();
      writeResponse(res, jsonFailure(500, "InternalFailure", (error as Error).message));
    }
  };
}

export interface AwsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The dispatcher on a loopback port (0: ephemeral). */
export async function startAwsServer(
  dispatcher: Dispatcher,
  port = 0,
  options: ListenerOptions = {},
): Promise<AwsServer> {
  let defaultHost = options.defaultHost;
  const listener = createAwsListener(dispatcher, {
    ...options,
    get defaultHost() {
      return defaultHost;
    },
  });
  const server = createServer(listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, LOOPBACK, () => done());
  });
  const bound = (server.address() as AddressInfo).port;
  defaultHost ??= `${LOOPBACK}:${bound}`;
  return {
    url: `http://${LOOPBACK}:${bound}`,
    port: bound,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
