// DynamoDB (DynamoDB Local), SQS and SNS (fauxqs) as services of the
// dispatcher: their handlers forward to the engine, so the middleware wraps
// them like our own services; their IAM declarations are read from the
// request (AWS authorises these on the tables, queues and topics named).
import {
  type AuthorizationCheck,
  type Authorize,
  AwsError,
  type AwsRequest,
  type AwsService,
  indexArn,
  jsonErrorBody,
  jsonReply,
  errorReply as queryErrorReply,
  queueArn,
  queueArnOfUrl,
  type Scope,
  tableArn,
  topicArn,
  xmlError,
  xmlReply,
} from "../protocol";
import { forward, passHeaders } from "./forward";
import { createMessageMover } from "./message-move";
import { jsonToXml, queryErrorCode, queryToJson } from "./sqs-query";

type Input = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/** The tables (and indexes) a DynamoDB request touches. */
export function dynamodbResources(scope: Scope, input: Input): string[] {
  const out = new Set<string>();
  const table = (t: unknown, index?: unknown) => {
    if (!str(t)) return;
    out.add(
      str(index) ? indexArn(scope, t as string, index as string) : tableArn(scope, t as string),
    );
  };
  table(input.TableName, input.IndexName);
  // Streams: the stream ARN, named or leading a shard iterator (`<arn>|001|…`); DynamoDB Local
  // puts its own region (`ddblocal`) in it, the deployment's policies name ours.
  const stream = str(input.StreamArn) ?? str(input.ShardIterator)?.split("|")[0];
  if (stream?.startsWith("arn:"))
    out.add(stream.replace(/^arn:aws:dynamodb:ddblocal:/, `arn:aws:dynamodb:${scope.region}:`));
  if (input.RequestItems && typeof input.RequestItems === "object")
    for (const t of Object.keys(input.RequestItems)) table(t);
  for (const item of Array.isArray(input.TransactItems) ? (input.TransactItems as Input[]) : [])
    for (const op of Object.values(item ?? {})) table((op as Input | null)?.TableName);
  return out.size ? [...out] : ["*"];
}

/** IAM's action for each part of a transaction: AWS has no Transact* actions, only the item actions. */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
  Get: "dynamodb:GetItem",
};

/** TransactWriteItems / TransactGetItems: each item's action on its table, as AWS authorises them. */
export function dynamodbTransactChecks(scope: Scope, input: Input): AuthorizationCheck[] {
  const checks = new Map<string, AuthorizationCheck>();
  for (const item of Array.isArray(input.TransactItems) ? (input.TransactItems as Input[]) : [])
    for (const [kind, op] of Object.entries(item ?? {})) {
      const table = str((op as Input | null)?.TableName);
      const action = TRANSACT_ITEM_ACTIONS[kind];
      if (table && action) {
        const check = { action, resource: tableArn(scope, table) };
        checks.set(`${check.action} ${check.resource}`, check);
      }
    }
  return [...checks.values()];
}

export interface DynamoDbServiceOptions {
  endpoint: string;
  scope: Scope;
  /** Items written so far, by table (benchmarks' write budgets). */
  writes: Record<string, number>;
}

export function dynamodbService(options: DynamoDbServiceOptions): AwsService {
  const { writes } = options;
  const countWrites = (action: string, body: Input) => {
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
  return {
    name: "dynamodb",
    routes: { targets: ["DynamoDB_20120810", "DynamoDBStreams_20120810"] },
    operations: {},
    // Streams' actions are IAM `dynamodb:` actions too.
    authorizeAny: (r) => ({
      action: `dynamodb:${r.operation}`,
      resources: dynamodbResources(options.scope, r.input ?? {}),
      ...(r.operation === "TransactWriteItems" || r.operation === "TransactGetItems"
        ? { checks: dynamodbTransactChecks(options.scope, r.input ?? {}) }
        : {}),
    }),
    async handle(r) {
      // DynamoDB Local answers malformed JSON with a 500; AWS with a 400.
      if (!r.input)
        return jsonReply(
          r,
          400,
          jsonErrorBody(
            "com.amazon.coral.service#SerializationException",
            "Start of structure or map found where not expected.",
          ),
        );
      if (String(r.headers["x-amz-target"]).startsWith("DynamoDB_20120810."))
        countWrites(r.operation, r.input);
      const out = await forward(options.endpoint, r.method, r.url, r.headers, r.body);
      return { status: out.status, headers: passHeaders(out.headers), body: out.body };
    },
  };
}

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

/** The queue a SQS request names (QueueUrl, QueueName, the move task's SourceArn, or the query path). */
function sqsResource(scope: Scope, r: AwsRequest): string {
  const input = r.input ?? {};
  const url = str(input.QueueUrl) ?? (/^\/\d{12}\/[^/]+$/.test(r.path) ? r.path : undefined);
  return (
    (url && queueArnOfUrl(scope, url)) ??
    (str(input.QueueName) && queueArn(scope, input.QueueName as string)) ??
    str(input.SourceArn) ??
    "*"
  );
}

export interface SqsServiceOptions {
  endpoint: string;
  scope: Scope;
  /** This endpoint's origin once it listens (queue URLs handed out by the redrive). */
  origin: () => string;
}

export function sqsService(options: SqsServiceOptions) {
  /** One SQS call to fauxqs over its JSON protocol. */
  const toFauxqs = (action: string, body: Input) =>
    forward(
      options.endpoint,
      "POST",
      "/",
      { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` },
      Buffer.from(JSON.stringify(body)),
    );

  /** One JSON-protocol SQS call to fauxqs, for the endpoint's own use (redrive). */
  async function sqsCall(action: string, body: Input) {
    const out = await toFauxqs(action, body);
    const json = out.body.length ? (JSON.parse(out.body.toString("utf8")) as Input) : {};
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
  const mover = createMessageMover(sqsCall, (name) => `${options.origin()}/000000000000/${name}`);

  /** SQS over JSON: our redrive actions, everything else to fauxqs with URLs made ours. */
  async function sqsJson(
    action: string,
    body: Input,
    host: string,
  ): Promise<{ status: number; json: Input; queryError?: string }> {
    try {
      switch (action) {
        case "StartMessageMoveTask":
          return { status: 200, json: await mover.start(body) };
        case "ListMessageMoveTasks":
          return { status: 200, json: mover.list(body) };
        case "CancelMessageMoveTask":
          return { status: 200, json: mover.cancel(body) };
      }
      const out = await toFauxqs(action, body);
      let text = out.body.toString("utf8");
      if (URL_ACTIONS.has(action) && out.status < 300)
        text = text.replace(/https?:\/\/[^/"]+\/(\d{12})\//g, `http://${host}/$1/`);
      return {
        status: out.status,
        json: text ? (JSON.parse(text) as Input) : {},
        queryError: out.headers["x-amzn-query-error"] as string | undefined,
      };
    } catch (error) {
      if (error instanceof AwsError) return { status: error.status, ...sqsJsonError(error) };
      throw error;
    }
  }
  const sqsJsonError = (error: AwsError) => ({
    json: jsonErrorBody(`com.amazonaws.sqs#${error.code}`, error.message),
    queryError: `${error.queryCode ?? error.code};${error.status >= 500 ? "Receiver" : "Sender"}`,
  });

  const errorReply = (r: AwsRequest, error: AwsError) => {
    if (r.protocol === "query") return queryErrorReply(r, error);
    const { json, queryError } = sqsJsonError(error);
    return jsonReply(r, error.status, json, "application/x-amz-json-1.0", {
      "x-amzn-query-error": queryError,
    });
  };

  // A batch is authorised as its single-message action (IAM has no sqs:*Batch actions).
  const declare =
    (action: string): Authorize =>
    (r) => ({
      action: `sqs:${action.replace(/Batch$/, "")}`,
      resources: [sqsResource(options.scope, r)],
    });

  const service: AwsService = {
    name: "sqs",
    routes: { targets: ["AmazonSQS"], query: { signingNames: ["sqs"], actions: SQS_ACTIONS } },
    operations: Object.fromEntries([...SQS_ACTIONS].map((a) => [a, declare(a)])),
    errorReply,
    unknownOperation: (r) =>
      errorReply(
        r,
        new AwsError(
          "InvalidAction",
          `The action ${r.operation || "(none)"} is not valid for this endpoint.`,
        ),
      ),
    async handle(r) {
      if (r.protocol === "json") {
        if (!r.input)
          throw new AwsError("SerializationException", "The request body is not valid JSON.");
        const out = await sqsJson(r.operation, r.input, r.host);
        return jsonReply(
          r,
          out.status,
          out.json,
          "application/x-amz-json-1.0",
          out.queryError ? { "x-amzn-query-error": out.queryError } : {},
        );
      }
      const params = (r.input ?? {}) as Record<string, string>;
      const out = await sqsJson(r.operation, queryToJson(r.operation, params), r.host);
      if (out.status >= 400) {
        const type = String(out.json.__type ?? "InternalError");
        return xmlReply(
          r,
          out.status,
          xmlError(
            queryErrorCode(type, out.queryError),
            String(out.json.message ?? type),
            r.requestId,
            out.status >= 500 ? "Receiver" : "Sender",
          ),
        );
      }
      return xmlReply(r, 200, jsonToXml(r.operation, out.json, r.requestId));
    },
  };
  return { service, idle: () => mover.idle() };
}

/** SNS over the query protocol, forwarded to fauxqs; the fallback for unsigned query calls. */
export function snsService(options: { endpoint: string; scope: Scope }): AwsService {
  return {
    name: "sns",
    routes: { query: { signingNames: ["sns"] } },
    operations: {},
    authorizeAny: (r) => {
      const input = r.input ?? {};
      const arn =
        str(input.TopicArn) ??
        str(input.TargetArn) ??
        str(input.ResourceArn) ??
        (r.operation === "CreateTopic" && str(input.Name)
          ? topicArn(options.scope, input.Name as string)
          : undefined);
      return { action: `sns:${r.operation}`, resources: [arn ?? "*"] };
    },
    async handle(r) {
      const out = await forward(
        options.endpoint,
        "POST",
        "/",
        { ...r.headers, "content-type": "application/x-www-form-urlencoded" },
        Buffer.from(new URLSearchParams(r.input as Record<string, string>).toString()),
      );
      return {
        status: out.status,
        headers: {
          "content-type": String(out.headers["content-type"] ?? "text/xml"),
          "x-amzn-requestid": r.requestId,
        },
        body: out.body,
      };
    },
  };
}
