// node:http request listener speaking the Step Functions wire protocol (AWS JSON 1.0).
//
// Interface for the AWS endpoint router (port 4566): requests whose `X-Amz-Target`
// header starts with `AWSStepFunctions.` can be passed to the listener as they are, or
// the router can call `stepFunctions.handle(action, parsedJsonBody)` itself and write
// `{status, body}` back as JSON with content-type `application/x-amz-json-1.0`.
// Errors come back as `{"__type": "...", "message": "..."}` with HTTP 400.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StepFunctions } from "./types";

const TARGET_PREFIX = "AWSStepFunctions.";
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createStepFunctionsListener(sfn: Pick<StepFunctions, "handle">) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body ?? {});
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": randomUUID(),
      });
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
          return send(413, { __type: "RequestEntityTooLarge", message: "Body too large" });
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text.length === 0 ? {} : JSON.parse(text);
      } catch {
        return send(400, { __type: "SerializationException", message: "Body is not valid JSON" });
      }
      const out = await sfn.handle(target.slice(TARGET_PREFIX.length), body);
      send(out.status, out.body);
    } catch (err) {
      send(500, { __type: "InternalFailure", message: (err as Error).message });
    }
  };
}
