import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Chaos } from "../chaos";
import { LOOPBACK } from "../config";
import type { LambdaRunner } from "../lambda/runner";
import { type CloudWatch, cloudWatchWire } from "../services/cloudwatch";
import { CallbackFaultsInput, createCallbackFaults } from "./callback-faults";
import { AwsError, jsonErrorBody, xmlError } from "./errors";
import { createMessageMover } from "./message-move";
import { jsonToXml, queryErrorCode, queryToJson } from "./sqs-query";

// The one AWS-compatible endpoint of the local cloud (default 127.0.0.1:4566):
// `AWS_ENDPOINT_URL=http://localhost:4566` for SDK v3, `--endpoint-url` for the
// CLI. Requests are routed by protocol:
//   X-Amz-Target DynamoDB_20120810.* / DynamoDBStreams_20120810.*  → DynamoDB Local
//   X-Amz-Target AmazonSQS.*                                        → fauxqs (+ DLQ redrive here)
//   X-Amz-Target AWSEvents.*                                        → our EventBridge
//   X-Amz-Target AWSStepFunctions.*                                 → our Step Functions
//   X-Amz-Target Logs_20140328.*                                    → CloudWatch Logs over the log store
//   X-Amz-Target GraniteServiceVersion20100801.*, query protocol signed
//     for `monitoring`, or POST /service/GraniteServiceVersion20100801/
//     operation/<Op> (Smithy RPC v2 CBOR)                           → CloudWatch (SQS metrics)
//   POST /2015-03-31/functions/<name>/invocations                   → the Lambda runner
//   form-encoded Action=… (query protocol): SNS → fauxqs; SQS → translated to JSON and back to XML
//   GET /_local/health                                              → every component's health
//   GET|POST /_local/faults/saga-callbacks                          → fail SendTaskSuccess/Failure (callback-faults.ts)

export interface ApiHandler {
  handle(action: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

export interface ComponentHealth {
  ready: boolean;
  detail?: string;
}

export interface AwsEndpointOptions {
  /** 0: an ephemeral port. */
  port: number;
  dynamodb: { endpoint: string };
  sqsSns: { endpoint: string };
  eventBridge?: ApiHandler;
  stepFunctions?: ApiHandler;
  cloudWatchLogs?: ApiHandler;
  cloudWatch?: CloudWatch;
  lambda?: LambdaRunner;
  health?: () => Promise<Record<string, ComponentHealth>>;
  /** Chaos mode (packages/local/src/chaos): latency on every DynamoDB call, failed saga callbacks. */
  chaos?: Pick<Chaos, "dynamodbDelayMs" | "sagaCallback">;
}

export interface AwsEndpoint {
  url: string;
  port: number;
  /** Resolves when no DLQ redrive task is running. */
  idle(): Promise<void>;
  /** Items written to DynamoDB through this endpoint so far, by table (benchmarks' write budgets). */
  dynamodbWrites(): Record<string, number>;
  close(): Promise<void>;
}

/** Largest request accepted (DynamoDB BatchWriteItem's 16 MB); services check their own limits below it. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Lambda's synchronous invocation payload limit. */
const MAX_LAMBDA_PAYLOAD = 6 * 1024 * 1024;

const SQS_ACTIONS = new Set([
  "CreateQueue",
  "DeleteQueue",
  "ListQueues",
  "GetQueueUrl",
  "GetQueueAttributes",
  "SetQueueAttributes",
  "PurgeQueue",
  "SendMessage",
  "SendMessageBatch",
  "ReceiveMessage",
  "DeleteMessage",
  "DeleteMessageBatch",
  "ChangeMessageVisibility",
  "ChangeMessageVisibilityBatch",
  "ListQueueTags",
  "TagQueue",
  "UntagQueue",
  "ListDeadLetterSourceQueues",
  "StartMessageMoveTask",
  "ListMessageMoveTasks",
  "CancelMessageMoveTask",
]);
/** SQS replies that carry queue URLs, rewritten to this endpoint's origin. */
const URL_ACTIONS = new Set([
  "CreateQueue",
  "GetQueueUrl",
  "ListQueues",
  "ListDeadLetterSourceQueues",
]);
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
  "expect",
]);

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function forward(
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

/** The SigV4 credential scope's service (`.../us-east-1/sqs/aws4_request`), if signed. */
const signedService = (headers: IncomingHttpHeaders) =>
  /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(
    String(headers.authorization ?? ""),
  )?.[1];

export async function createAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const sqsUpstream = options.sqsSns.endpoint;
  const callbackFaults = createCallbackFaults(options.chaos);
  const writes: Record<string, number> = {};
  const countWrites = (action: string, body: Record<string, unknown>) => {
    const add = (table: unknown, n = 1) => {
      if (typeof table === "string") writes[table] = (writes[table] ?? 0) + n;
    };
    if (action === "PutItem" || action === "UpdateItem" || action === "DeleteItem")
      add(body.TableName);
    else if (action === "TransactWriteItems" && Array.isArray(body.TransactItems))
      for (const item of body.TransactItems as Record<string, { TableName?: unknown }>[]) {
        const op = item.Put ?? item.Update ?? item.Delete;
        if (op) add(op.TableName);
      }
    else if (
      action === "BatchWriteItem" &&
      body.RequestItems &&
      typeof body.RequestItems === "object"
    )
      for (const [table, requests] of Object.entries(
        body.RequestItems as Record<string, unknown[]>,
      ))
        add(table, Array.isArray(requests) ? requests.length : 0);
  };
  let origin = "";

  /** One JSON-protocol SQS call to fauxqs, for the router's own use (redrive). */
  async function sqsCall(action: string, body: Record<string, unknown>) {
    const out = await forward(
      sqsUpstream,
      "POST",
      "/",
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` },
      Buffer.from(JSON.stringify(body)),
    );
    const json = out.body.length
      ? (JSON.parse(out.body.toString("utf8")) as Record<string, unknown>)
      : {};
    if (out.status >= 400) {
      const type = String(json.__type ?? "InternalError").replace(/^.*#/, "");
      throw new AwsError(
        type,
        String(json.message ?? json.Message ?? type),
        out.status,
        queryErrorCode(type, out.headers["x-amzn-query-error"] as string | undefined),
      );
    }
    return json;
  }
  const mover = createMessageMover(sqsCall, (name) => `${origin}/000000000000/${name}`);

  /** SQS over JSON: our redrive actions, everything else to fauxqs with URLs made ours. */
  async function sqsJson(
    action: string,
    body: Record<string, unknown>,
    host: string,
  ): Promise<{ status: number; json: Record<string, unknown>; queryError?: string }> {
    try {
      switch (action) {
        case "StartMessageMoveTask":
          return { status: 200, json: await mover.start(body) };
        case "ListMessageMoveTasks":
          return { status: 200, json: mover.list(body) };
        case "CancelMessageMoveTask":
          return { status: 200, json: mover.cancel(body) };
      }
      const out = await forward(
        sqsUpstream,
        "POST",
        "/",
        { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` },
        Buffer.from(JSON.stringify(body)),
      );
      let text = out.body.toString("utf8");
      if (URL_ACTIONS.has(action) && out.status < 300) {
        text = text.replace(/https?:\/\/[^/"]+\/(\d{12})\//g, `http://${host}/$1/`);
      }
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      return {
        status: out.status,
        json,
        queryError: out.headers["x-amzn-query-error"] as string | undefined,
      };
    } catch (error) {
      if (error instanceof AwsError) {
        return {
          status: error.status,
          json: jsonErrorBody(`com.amazonaws.sqs#${error.code}`, error.message),
          queryError: `${error.queryCode ?? error.code};Sender`,
        };
      }
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const requestId = randomUUID();
    const target = String(req.headers["x-amz-target"] ?? "");
    const host = req.headers.host ?? `${LOOPBACK}:${options.port}`;
    const path = req.url ?? "/";
    const json = (
      status: number,
      value: unknown,
      contentType = "application/x-amz-json-1.0",
      extra: Record<string, string> = {},
    ) => {
      const text = JSON.stringify(value ?? {});
      const type = (value as { __type?: unknown } | null)?.__type;
      res.writeHead(status, {
        "content-type": contentType,
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": requestId,
        ...(typeof type === "string" ? { "x-amzn-errortype": type.replace(/^.*#/, "") } : {}),
        ...extra,
      });
      res.end(text);
    };
    const xml = (status: number, text: string) => {
      res.writeHead(status, {
        "content-type": "text/xml",
        "content-length": Buffer.byteLength(text),
        "x-amzn-requestid": requestId,
      });
      res.end(text);
    };
    const send = (out: cloudWatchWire.WireResponse) => {
      res.writeHead(out.status, {
        "content-type": out.contentType,
        "content-length": Buffer.byteLength(out.body),
        "x-amzn-requestid": requestId,
        ...out.headers,
      });
      res.end(out.body);
    };
    const parseJson = (): Record<string, unknown> | undefined => {
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
    };

    if (req.method === "GET" && path.split("?")[0] === "/_local/health") {
      const components = (await options.health?.()) ?? {};
      const ready = Object.values(components).every((c) => c.ready);
      return json(
        ready ? 200 : 503,
        { status: ready ? "ready" : "starting", components },
        "application/json",
      );
    }

    if (path.split("?")[0] === "/_local/faults/saga-callbacks") {
      if (req.method === "GET") return json(200, callbackFaults.state(), "application/json");
      if (req.method !== "POST")
        return json(
          405,
          { code: "METHOD_NOT_ALLOWED", message: "GET or POST" },
          "application/json",
        );
      const parsed = CallbackFaultsInput.safeParse(parseJson());
      if (!parsed.success)
        return json(
          400,
          {
            code: "INVALID_FAULT",
            message:
              'Expected {"failNext": <integer ≥ 0>, "when"?: "before-effect" | "after-effect"}',
            details: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
          },
          "application/json",
        );
      return json(200, callbackFaults.set(parsed.data), "application/json");
    }

    if (target) {
      const dot = target.indexOf(".");
      const prefix = dot === -1 ? target : target.slice(0, dot);
      const action = dot === -1 ? "" : target.slice(dot + 1);
      switch (prefix) {
        case "DynamoDB_20120810":
        case "DynamoDBStreams_20120810": {
          // DynamoDB Local answers malformed JSON with a 500; AWS with a 400.
          const request = parseJson();
          if (!request) {
            return json(
              400,
              jsonErrorBody(
                "com.amazon.coral.service#SerializationException",
                "Start of structure or map found where not expected.",
              ),
            );
          }
          if (prefix === "DynamoDB_20120810") countWrites(action, request);
          if (options.chaos)
            await new Promise((r) => setTimeout(r, options.chaos!.dynamodbDelayMs()));
          const out = await forward(
            options.dynamodb.endpoint,
            req.method ?? "POST",
            path,
            req.headers,
            body,
          );
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(out.headers))
            if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
          headers["content-length"] = String(out.body.length);
          res.writeHead(out.status, headers);
          return res.end(out.body);
        }
        case "AmazonSQS": {
          const parsed = parseJson();
          if (!parsed)
            return json(
              400,
              jsonErrorBody(
                "com.amazonaws.sqs#SerializationException",
                "The request body is not valid JSON.",
              ),
              "application/x-amz-json-1.0",
              { "x-amzn-query-error": "SerializationException;Sender" },
            );
          if (!SQS_ACTIONS.has(action))
            return json(
              400,
              jsonErrorBody(
                "com.amazonaws.sqs#InvalidAction",
                `The action ${action} is not valid for this endpoint.`,
              ),
              "application/x-amz-json-1.0",
              { "x-amzn-query-error": "InvalidAction;Sender" },
            );
          const out = await sqsJson(action, parsed, host);
          return json(
            out.status,
            out.json,
            "application/x-amz-json-1.0",
            out.queryError ? { "x-amzn-query-error": out.queryError } : {},
          );
        }
        case "Logs_20140328": {
          const contentType = "application/x-amz-json-1.1";
          if (!options.cloudWatchLogs)
            return json(
              503,
              jsonErrorBody("ServiceUnavailableException", "CloudWatch Logs is not running"),
              contentType,
            );
          const parsed = parseJson();
          if (!parsed)
            return json(
              400,
              jsonErrorBody("SerializationException", "The request body is not valid JSON."),
              contentType,
            );
          const out = await options.cloudWatchLogs.handle(action, parsed);
          return json(out.status, out.body, contentType);
        }
        case cloudWatchWire.JSON_TARGET_PREFIX: {
          if (!options.cloudWatch)
            return json(503, jsonErrorBody("ServiceUnavailable", "CloudWatch is not running"));
          return send(cloudWatchWire.handleJson(options.cloudWatch, action, body.toString("utf8")));
        }
        case "AWSEvents":
        case "AWSStepFunctions": {
          const service = prefix === "AWSEvents" ? options.eventBridge : options.stepFunctions;
          const contentType =
            prefix === "AWSEvents" ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0";
          if (!service)
            return json(
              503,
              jsonErrorBody("ServiceUnavailable", `${prefix} is not running`),
              contentType,
            );
          const parsed = parseJson();
          if (!parsed)
            return json(
              400,
              jsonErrorBody("SerializationException", "The request body is not valid JSON."),
              contentType,
            );
          // Saga callback faults: the call fails before its effect, or after it (answer lost).
          const fault = prefix === "AWSStepFunctions" ? callbackFaults.take(action) : undefined;
          const unavailable = () =>
            json(
              503,
              jsonErrorBody("ServiceUnavailable", `${action} failed (local fault: ${fault})`),
              contentType,
            );
          if (fault === "before-effect") return unavailable();
          const out = await service.handle(
            action,
            prefix === "AWSEvents" ? body.toString("utf8") || "{}" : parsed,
          );
          if (fault === "after-effect" && out.status === 200) return unavailable();
          return json(out.status, out.body, contentType);
        }
        default:
          return json(
            400,
            jsonErrorBody("UnknownOperationException", `Unknown operation ${target}`),
          );
      }
    }

    // Smithy RPC v2 CBOR (newer botocore's CloudWatch): the operation is in the path.
    const rpcV2 = /^\/service\/([^/]+)\/operation\/([^/?]+)$/.exec(path.split("?")[0]!);
    if (rpcV2 && req.method === "POST") {
      if (rpcV2[1] === cloudWatchWire.JSON_TARGET_PREFIX && options.cloudWatch)
        return send(cloudWatchWire.handleCbor(options.cloudWatch, rpcV2[2]!, body));
      return json(
        404,
        jsonErrorBody("UnknownOperationException", `No local service serves ${rpcV2[1]} over CBOR`),
        "application/json",
      );
    }

    const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations(\?.*)?$/.exec(path);
    if (invocation && req.method === "POST")
      return invokeLambda(decodeURIComponent(invocation[1]!), req, body, json);

    const contentType = String(req.headers["content-type"] ?? "");
    const queryString = path.includes("?") ? path.slice(path.indexOf("?") + 1) : "";
    if (
      contentType.startsWith("application/x-www-form-urlencoded") ||
      queryString.includes("Action=")
    ) {
      const params = Object.fromEntries(
        new URLSearchParams(
          contentType.startsWith("application/x-www-form-urlencoded")
            ? body.toString("utf8")
            : queryString,
        ),
      );
      const action = params.Action ?? "";
      const service =
        signedService(req.headers) ??
        (SQS_ACTIONS.has(action) ? "sqs" : action === "GetMetricData" ? "monitoring" : "sns");
      if (service === "monitoring") {
        if (!options.cloudWatch)
          return xml(503, xmlError("ServiceUnavailable", "CloudWatch is not running", requestId));
        return send(cloudWatchWire.handleQuery(options.cloudWatch, params, requestId));
      }
      if (service === "sns") {
        const out = await forward(
          sqsUpstream,
          "POST",
          "/",
          { ...req.headers, "content-type": "application/x-www-form-urlencoded" },
          Buffer.from(new URLSearchParams(params).toString()),
        );
        res.writeHead(out.status, {
          "content-type": String(out.headers["content-type"] ?? "text/xml"),
          "content-length": out.body.length,
          "x-amzn-requestid": requestId,
        });
        return res.end(out.body);
      }
      if (service === "sqs") {
        if (!SQS_ACTIONS.has(action))
          return xml(
            400,
            xmlError(
              "InvalidAction",
              `The action ${action || "(none)"} is not valid for this endpoint.`,
              requestId,
            ),
          );
        const out = await sqsJson(action, queryToJson(action, params), host);
        if (out.status >= 400) {
          const type = String(out.json.__type ?? "InternalError");
          return xml(
            out.status,
            xmlError(
              queryErrorCode(type, out.queryError),
              String(out.json.message ?? type),
              requestId,
              out.status >= 500 ? "Receiver" : "Sender",
            ),
          );
        }
        return xml(200, jsonToXml(action, out.json, requestId));
      }
      return xml(
        400,
        xmlError(
          "InvalidAction",
          `Service ${service} is not served by the local cloud.`,
          requestId,
        ),
      );
    }
    return json(
      404,
      jsonErrorBody("UnknownOperationException", `No local service serves ${req.method} ${path}`),
      "application/json",
    );
  }

  async function invokeLambda(
    name: string,
    req: IncomingMessage,
    body: Buffer,
    json: (
      status: number,
      value: unknown,
      contentType?: string,
      extra?: Record<string, string>,
    ) => void,
  ) {
    const runner = options.lambda;
    const error = (status: number, type: string, message: string) =>
      json(status, { Type: "User", message }, "application/json", { "x-amzn-errortype": type });
    if (!runner) return error(503, "ServiceException", "The Lambda runner is not running");
    if (!runner.has(name))
      return error(
        404,
        "ResourceNotFoundException",
        `Function not found: ${runner.functionArn(name.replace(/^.*:function:/, "").split(":")[0]!)}`,
      );
    const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
    if (body.length > MAX_LAMBDA_PAYLOAD)
      return error(
        413,
        "RequestTooLargeException",
        `Request must be smaller than ${MAX_LAMBDA_PAYLOAD} bytes for the InvokeFunction operation`,
      );
    let event: unknown = null;
    if (body.length) {
      try {
        event = JSON.parse(body.toString("utf8"));
      } catch {
        return error(
          400,
          "InvalidRequestContentException",
          "Could not parse request body into json",
        );
      }
    }
    if (type === "DryRun") return json(204, {}, "application/json");
    if (type === "Event") {
      runner.invokeAsync(name, event);
      res202(json);
      return;
    }
    if (type !== "RequestResponse")
      return error(400, "InvalidParameterValueException", `Invalid InvocationType ${type}`);
    const out = await runner.invoke(name, event);
    json(200, out.payload, "application/json", {
      "x-amz-executed-version": "$LATEST",
      ...(out.functionError ? { "x-amz-function-error": out.functionError } : {}),
    });
  }
  const res202 = (json: (status: number, value: unknown, contentType?: string) => void) =>
    json(202, {}, "application/json");

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk as Buffer);
    }
    try {
      if (tooLarge) {
        const text = JSON.stringify(
          jsonErrorBody("RequestEntityTooLarge", `Request body exceeds ${MAX_REQUEST_BYTES} bytes`),
        );
        res.writeHead(413, {
          "content-type": "application/x-amz-json-1.0",
          "content-length": Buffer.byteLength(text),
          "x-amzn-errortype": "RequestEntityTooLarge",
        });
        return res.end(text);
      }
      await handle(req, res, Buffer.concat(chunks));
    } catch (error) {
      if (res.headersSent) return res.destroy();
      const text = JSON.stringify(jsonErrorBody("InternalFailure", (error as Error).message));
      res.writeHead(500, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(text),
        "x-amzn-errortype": "InternalFailure",
      });
      res.end(text);
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port, LOOPBACK, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${LOOPBACK}:${port}`;
  return {
    url: origin,
    port,
    idle: () => mover.idle(),
    dynamodbWrites: () => ({ ...writes }),
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
