import type { IncomingHttpHeaders } from "node:http";

// The shapes every service and middleware share: a request after the wire
// format was identified, a response before it is written, and what IAM
// authorises a request on.

/** AWS JSON 1.0/1.1 (X-Amz-Target), query (form `Action=`), REST, Smithy RPC v2 CBOR. */
export type Protocol = "json" | "query" | "rest" | "cbor";

export interface AwsRequest {
  readonly requestId: string;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The request target as received (path and query string). */
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The Host header (or the endpoint's own address): URLs in replies are made ours with it. */
  readonly host: string;
  readonly protocol: Protocol;
  /** The dispatch table's key of the service serving the request. */
  readonly service: string;
  readonly operation: string;
  /**
   * json / cbor: the body as an object (`undefined` when it is not a JSON
   * object / CBOR map); query: the form parameters; rest: the path's named groups.
   */
  readonly input: Record<string, unknown> | undefined;
  /** The SigV4 access key id, or "anonymous" for an unsigned request. */
  readonly principal: string;
  /** `x-correlation-id` when the caller sent one, else the request id. */
  readonly correlationId: string;
}

export interface AwsResponse {
  status: number;
  headers: Record<string, string | number>;
  body: string | Buffer;
}

/** What a request is authorised on, as AWS evaluates it: one action, the resources it touches. */
export interface Authorization {
  /** `<service prefix>:<Operation>`, e.g. `events:PutEvents`. */
  action: string;
  /** ARNs (or `*` for actions without resource-level permissions). */
  resources: string[];
  /**
   * When AWS authorises one request as several actions (TransactWriteItems:
   * PutItem on one table, DeleteItem on another), every pair; each must be
   * allowed. When present it replaces `action` × `resources`.
   */
  checks?: AuthorizationCheck[];
}

/** One IAM action on one resource ARN. */
export interface AuthorizationCheck {
  action: string;
  resource: string;
}

export type Authorize = (request: AwsRequest) => Authorization;

/** How requests find a service. */
export interface ServiceRoutes {
  /** X-Amz-Target prefixes (before the dot) of the AWS JSON protocol. */
  targets?: string[];
  /**
   * Query protocol: the SigV4 signing names served, and (for unsigned
   * requests) the actions that identify the service.
   */
  query?: { signingNames: string[]; actions?: ReadonlySet<string> };
  /** Smithy RPC v2 CBOR: `POST /service/<id>/operation/<Op>`. */
  cbor?: string[];
  /** REST: a method and a path pattern per operation; named groups become the input. */
  rest?: Array<{ method: string; path: RegExp; operation: string }>;
}

export interface AwsService {
  /** The dispatch table's key (the IAM service prefix: `events`, `states`, `sqs`, …). */
  name: string;
  routes: ServiceRoutes;
  /**
   * Every operation the service answers, with the IAM action and resources it
   * is authorised on. A request for an operation not listed here never
   * reaches `handle` (see `unknownOperation`).
   */
  operations: Record<string, Authorize>;
  /** Forwarded engines: operations not listed above are declared from the request. */
  authorizeAny?: Authorize;
  handle(request: AwsRequest): Promise<AwsResponse>;
  /** The service's own answer to an operation it does not have (default: UnknownOperationException). */
  unknownOperation?(request: AwsRequest): AwsResponse | Promise<AwsResponse>;
  /** An AwsError (thrown by the service or a middleware) in the service's own shape. */
  errorReply?(request: AwsRequest, error: import("./errors").AwsError): AwsResponse;
}
