// A service spoken over AWS JSON whose semantics are one `handle(operation,
// input)` answering `{status, body}`: the wire (target prefix, content type,
// malformed bodies, errors) is done here, so the service writes none of it.
import { AwsError, jsonErrorBody } from "./errors";
import type { Authorize, AwsRequest, AwsService } from "./types";
import { type JsonVersion, jsonContentType, jsonReply } from "./wire";

export interface ApiHandler {
  handle(
    operation: string,
    input: Record<string, unknown>,
  ): Promise<{ status: number; body: unknown }>;
}

export interface JsonServiceDefinition {
  name: string;
  /** X-Amz-Target prefix, e.g. `AWSEvents`. */
  target: string;
  version: JsonVersion;
  operations: Record<string, Authorize>;
  /** The running service; undefined answers 503 (it is starting, or not part of this cloud). */
  api: () => ApiHandler | undefined;
  /** What to call it in the 503 (default: the target prefix). */
  title?: string;
  /** The service answers operations it does not have itself (its own message). */
  answersUnknown?: boolean;
}

export function jsonService(def: JsonServiceDefinition): AwsService {
  const contentType = jsonContentType(def.version);
  const errorReply = (request: AwsRequest, error: AwsError) =>
    jsonReply(request, error.status, jsonErrorBody(error.code, error.message), contentType);
  const service: AwsService = {
    name: def.name,
    routes: { targets: [def.target] },
    operations: def.operations,
    errorReply,
    unknownOperation: (request) =>
      def.answersUnknown
        ? service.handle(request)
        : errorReply(
            request,
            new AwsError("UnknownOperationException", `Unknown operation ${request.operation}`),
          ),
    async handle(request) {
      const api = def.api();
      if (!api)
        throw new AwsError("ServiceUnavailable", `${def.title ?? def.target} is not running`, 503);
      if (!request.input)
        throw new AwsError("SerializationException", "The request body is not valid JSON.");
      const out = await api.handle(request.operation, request.input);
      return jsonReply(request, out.status, out.body, contentType);
    },
  };
  return service;
}
