// The one dispatcher of the local cloud's AWS endpoint: a request is
// identified by its wire format, looked up in the dispatch table (service →
// operations), wrapped by the middleware (faults, logging, IAM) once, and
// handed to the service. The :4566 endpoint and every service's tests use it.
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AwsError, jsonErrorBody, xmlError } from "./errors";
import type { Middleware } from "./middleware";
import type { Authorization, AwsRequest, AwsResponse, AwsService } from "./types";
import {
  decodeCborObject,
  errorReply,
  identify,
  jsonReply,
  parseJsonObject,
  principalOf,
  xmlReply,
} from "./wire";

export interface RawRequest {
  method: string;
  /** Path and query string, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The endpoint's address, when the request has no Host header. */
  defaultHost?: string;
}

export interface Dispatcher {
  dispatch(raw: RawRequest): Promise<AwsResponse>;
  /** The dispatch table: each service with its declared operations. */
  readonly services: readonly AwsService[];
  /** What a request is authorised on (the declaration beside its operation). */
  authorizationOf(service: AwsService, request: AwsRequest): Authorization | undefined;
}

export interface DispatcherOptions {
  services: AwsService[];
  /** Outermost first; each wraps every request that reaches a declared operation. */
  middleware?: Middleware[];
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const byTarget = new Map<string, AwsService>();
  const bySigningName = new Map<string, AwsService>();
  const byCbor = new Map<string, AwsService>();
  for (const service of options.services) {
    for (const t of service.routes.targets ?? []) byTarget.set(t, service);
    for (const n of service.routes.query?.signingNames ?? []) bySigningName.set(n, service);
    for (const id of service.routes.cbor ?? []) byCbor.set(id, service);
  }
  const queryServices = options.services.filter((s) => s.routes.query);
  const middleware = options.middleware ?? [];

  const authorizationOf = (service: AwsService, request: AwsRequest) => {
    const declared = Object.hasOwn(service.operations, request.operation)
      ? service.operations[request.operation]
      : service.authorizeAny;
    return declared?.(request);
  };

  /** Chooses the service and operation; a reply when nothing serves the request. */
  function route(
    raw: RawRequest,
    base: Omit<AwsRequest, "protocol" | "service" | "operation" | "input">,
  ): { service: AwsService; request: AwsRequest } | AwsResponse {
    const call = identify(base.method, base.path, base.query, raw.headers, raw.body);
    const request = (
      service: AwsService,
      rest: Pick<AwsRequest, "protocol" | "operation" | "input">,
    ) => ({ service, request: { ...base, ...rest, service: service.name } });
    const nothingServes = (status: number, message: string, contentType = "application/json") =>
      jsonReply(base, status, jsonErrorBody("UnknownOperationException", message), contentType);
    switch (call.protocol) {
      case "json": {
        const service = byTarget.get(call.prefix);
        if (!service)
          return nothingServes(
            400,
            `Unknown operation ${call.target}`,
            "application/x-amz-json-1.0",
          );
        return request(service, {
          protocol: "json",
          operation: call.operation,
          input: parseJsonObject(raw.body),
        });
      }
      case "cbor": {
        const service = byCbor.get(call.serviceId);
        if (!service)
          return nothingServes(404, `No local service serves ${call.serviceId} over CBOR`);
        return request(service, {
          protocol: "cbor",
          operation: call.operation,
          input: decodeCborObject(raw.body),
        });
      }
      case "query": {
        const action = call.params.Action ?? "";
        const service = call.signingName
          ? bySigningName.get(call.signingName)
          : (queryServices.find((s) => s.routes.query?.actions?.has(action)) ??
            queryServices.find((s) => !s.routes.query?.actions));
        if (!service)
          return xmlReply(
            base,
            400,
            xmlError(
              "InvalidAction",
              `Service ${call.signingName} is not served by the local cloud.`,
              base.requestId,
            ),
          );
        return request(service, { protocol: "query", operation: action, input: call.params });
      }
      case "rest":
        for (const service of options.services)
          for (const r of service.routes.rest ?? []) {
            const m = r.method === base.method ? r.path.exec(base.path) : null;
            if (m)
              return request(service, {
                protocol: "rest",
                operation: r.operation,
                input: Object.fromEntries(
                  Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
                ),
              });
          }
        return nothingServes(404, `No local service serves ${base.method} ${base.path}`);
    }
  }

  async function dispatch(raw: RawRequest): Promise<AwsResponse> {
    const requestId = randomUUID();
    const q = raw.url.indexOf("?");
    const query = new URLSearchParams(q === -1 ? "" : raw.url.slice(q + 1));
    const correlation = raw.headers["x-correlation-id"];
    const base = {
      requestId,
      method: raw.method,
      url: raw.url,
      path: q === -1 ? raw.url : raw.url.slice(0, q),
      query,
      headers: raw.headers,
      body: raw.body,
      host: raw.headers.host ?? raw.defaultHost ?? "localhost",
      principal: principalOf(raw.headers, query),
      correlationId: typeof correlation === "string" && correlation ? correlation : requestId,
    };
    const routed = route(raw, base);
    if (!("service" in routed)) return routed;
    const { service, request } = routed;
    const authorization = authorizationOf(service, request);
    const run = (i: number): Promise<AwsResponse> =>
      i === middleware.length
        ? service.handle(request)
        : middleware[i]!(request, authorization!, () => run(i + 1));
    try {
      // An operation without a declaration is not served: it never reaches the middleware.
      if (!authorization)
        return (
          (await service.unknownOperation?.(request)) ??
          errorReply(
            request,
            new AwsError("UnknownOperationException", `Unknown operation ${request.operation}`),
          )
        );
      return await run(0);
    } catch (error) {
      if (error instanceof AwsError)
        return service.errorReply?.(request, error) ?? errorReply(request, error);
      throw error;
    }
  }

  return { dispatch, services: options.services, authorizationOf };
}
