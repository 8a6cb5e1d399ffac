// node:http request listener speaking the EventBridge wire protocol (AWS JSON 1.1).
//
// Interface for the AWS endpoint router (port 4566): requests whose `X-Amz-Target` header
// starts with `AWSEvents.` can be passed to this listener as they are, or the router can call
// `eventBridge.handle(action, body)` itself — `body` may be the parsed JSON or the raw text
// (malformed text becomes a SerializationException) — and write `{status, body}` back as JSON
// with content-type `application/x-amz-json-1.1`. Errors are
// `{"__type": "...", "message": "..."}` with HTTP 400.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventBridge } from "./types";

export const TARGET_PREFIX = "AWSEvents.";
// PutEvents allows 1 MB of entries; leave room for the JSON around them.
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createEventBridgeListener(eventBridge: Pick<EventBridge, "handle">) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body ?? {});
      const headers: Record<string, string | number> = {
        "content-type": "application/x-amz-json-1.1",
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": randomUUID(),
      };
      const type = (body as { __type?: unknown } | null)?.__type;
      if (typeof type === "string") headers["x-amzn-errortype"] = type;
      res.writeHead(status, headers);
      res.end(text);
    };
    try {
      const target = String(req.headers["x-amz-target"] ?? "");
      if (req.method !== "POST" || !target.startsWith(TARGET_PREFIX)) {
        return send(400, {
          __type: "UnknownOperationException",
          message: "Missing or unknown X-Amz-Target",
        });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES)
          return send(413, {
            __type: "RequestEntityTooLargeException",
            message: "Request too large",
          });
        chunks.push(chunk as Buffer);
      }
      const out = await eventBridge.handle(
        target.slice(TARGET_PREFIX.length),
        Buffer.concat(chunks).toString("utf8"),
      );
      send(out.status, out.body);
    } catch (err) {
      send(500, { __type: "InternalException", message: (err as Error).message });
    }
  };
}
