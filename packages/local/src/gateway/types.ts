// Shared shapes of the local HTTP API gateway. Route and CORS settings are the
// topology's (`api` in @orders/core/topology); the event is payload format 2.0
// as API Gateway sends it to Lambda.

export interface Throttle {
  /** Steady-state requests per second. */
  rate: number;
  /** Bucket size: requests allowed at once before the rate applies. */
  burst: number;
}

export interface HttpRouteSpec {
  /** The Lambda function the route integrates with. */
  function: string;
  /** The JWT authorizer requires one of these scopes; empty: any valid token. */
  scopes: readonly string[];
  /** Route-level throttling; the stage default when absent. */
  throttle?: Throttle;
  auth: "jwt" | "none";
}

export interface CorsSpec {
  /** Default ["*"], SST's default when the API's cors sets no origins. */
  allowOrigins?: readonly string[];
  allowHeaders?: readonly string[];
  allowMethods?: readonly string[];
  exposeHeaders?: readonly string[];
  maxAgeSeconds?: number;
  allowCredentials?: boolean;
}

/** Payload format 2.0 (aws-lambda's APIGatewayProxyEventV2WithJWTAuthorizer). */
export interface HttpApiEvent {
  version: "2.0";
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: { jwt: { claims: Record<string, string>; scopes: string[] | null } };
    domainName: string;
    domainPrefix: string;
    http: {
      method: string;
      path: string;
      protocol: string;
      sourceIp: string;
      userAgent: string;
    };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

/**
 * Run the route's function with the event and resolve with what the handler
 * returned; reject when the invocation failed (an unhandled error, a Lambda
 * timeout): the gateway then answers 500, as AWS does.
 */
export type Invoke = (functionName: string, event: HttpApiEvent) => Promise<unknown>;
