import {
  type AwsRequest,
  type AwsResponse,
  CborError,
  cborReply,
  decodeCbor,
  jsonReply,
  xmlEscape,
  xmlReply,
} from "../../protocol";
import {
  type CloudWatch,
  CloudWatchError,
  type GetMetricDataInput,
  type MetricDataQuery,
} from "./service";

// CloudWatch's wire protocols, for the operations the service implements:
// - AWS JSON 1.0, `X-Amz-Target: GraniteServiceVersion20100801.<Op>` — what
//   @aws-sdk/client-cloudwatch 3.1164 sends (awsQueryCompatible: errors carry
//   `x-amzn-query-error`); timestamps are epoch seconds.
// - query (form-encoded `Action=<Op>&Version=2010-08-01`, XML replies) — what
//   Debian's AWS CLI 2.9 sends; timestamps are ISO 8601.
// - Smithy RPC v2 CBOR, `POST /service/GraniteServiceVersion20100801/operation/<Op>`
//   — what newer botocore sends (the pip awscli 1.45 on these machines);
//   timestamps are CBOR tag 1.

export const JSON_TARGET_PREFIX = "GraniteServiceVersion20100801";
const XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

const seconds = (ms: number) => ms / 1000;

function timestamp(value: unknown, name: string): number {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  if (typeof value === "number") return value * 1000;
  if (typeof value === "string") {
    const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new CloudWatchError(
    "InvalidParameterValueException",
    "InvalidParameterValue",
    `The parameter ${name} is not a timestamp.`,
  );
}

function normalize(raw: Record<string, unknown>): GetMetricDataInput {
  if (raw.StartTime === undefined || raw.EndTime === undefined)
    throw new CloudWatchError(
      "MissingRequiredParameterException",
      "MissingParameter",
      `The parameter ${raw.StartTime === undefined ? "StartTime" : "EndTime"} is required.`,
    );
  return {
    MetricDataQueries: (Array.isArray(raw.MetricDataQueries)
      ? raw.MetricDataQueries
      : []) as MetricDataQuery[],
    StartTime: timestamp(raw.StartTime, "StartTime"),
    EndTime: timestamp(raw.EndTime, "EndTime"),
  };
}

/** One JSON 1.0 call. */
export function handleJson(cloudWatch: CloudWatch, request: AwsRequest): AwsResponse {
  const action = request.operation;
  const body = request.body.toString("utf8");
  const reply = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    jsonReply(request, status, value, "application/x-amz-json-1.0", headers);
  const error = (e: CloudWatchError) =>
    reply(
      e.status,
      { __type: `com.amazonaws.cloudwatch#${e.code}`, message: e.message },
      {
        "x-amzn-query-error": `${e.queryCode};${e.status >= 500 ? "Receiver" : "Sender"}`,
        "x-amzn-errortype": e.code,
      },
    );
  if (action !== "GetMetricData")
    return error(
      new CloudWatchError(
        "UnknownOperationException",
        "InvalidAction",
        `CloudWatch ${action} is not served by the local cloud (only GetMetricData)`,
      ),
    );
  let raw: unknown;
  try {
    raw = JSON.parse(body || "{}");
  } catch {
    return error(
      new CloudWatchError("SerializationException", "SerializationException", "Invalid JSON"),
    );
  }
  try {
    const out = cloudWatch.getMetricData(normalize(raw as Record<string, unknown>));
    return reply(200, {
      MetricDataResults: out.MetricDataResults.map((r) => ({
        ...r,
        Timestamps: r.Timestamps.map(seconds),
      })),
      Messages: out.Messages,
    });
  } catch (e) {
    if (e instanceof CloudWatchError) return error(e);
    throw e;
  }
}

/** One Smithy RPC v2 CBOR call. */
export function handleCbor(cloudWatch: CloudWatch, request: AwsRequest): AwsResponse {
  const action = request.operation;
  const body = request.body;
  const reply = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    cborReply(request, status, value, headers);
  const error = (e: CloudWatchError) =>
    reply(
      e.status,
      { __type: `com.amazonaws.cloudwatch#${e.code}`, message: e.message },
      { "x-amzn-query-error": `${e.queryCode};${e.status >= 500 ? "Receiver" : "Sender"}` },
    );
  if (action !== "GetMetricData")
    return error(
      new CloudWatchError(
        "UnknownOperationException",
        "InvalidAction",
        `CloudWatch ${action} is not served by the local cloud (only GetMetricData)`,
      ),
    );
  try {
    const raw = body.length ? decodeCbor(body) : {};
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      throw new CborError("the body is not a CBOR map");
    const out = cloudWatch.getMetricData(normalize(raw as Record<string, unknown>));
    return reply(200, {
      MetricDataResults: out.MetricDataResults.map((r) => ({
        ...r,
        Timestamps: r.Timestamps.map((t) => new Date(t)),
      })),
      Messages: out.Messages,
    });
  } catch (e) {
    if (e instanceof CborError)
      return error(
        new CloudWatchError("SerializationException", "SerializationException", e.message),
      );
    if (e instanceof CloudWatchError) return error(e);
    throw e;
  }
}

/**
 * Form fields to the operation's shape: `A.member.2.B` is `A[1].B`. Values
 * stay strings except the few numbers and booleans GetMetricData has.
 */
export function decodeQuery(params: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === "Action" || key === "Version") continue;
    const parts = key.split(".");
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === "member") continue;
      const slot: string | number =
        Array.isArray(node) && /^\d+$/.test(part) ? Number(part) - 1 : part;
      const nextIsList = parts[i + 1] === "member";
      if (last) {
        (node as Record<string | number, unknown>)[slot] = coerce(part, value);
      } else {
        const container = node as Record<string | number, unknown>;
        container[slot] ??= nextIsList ? [] : {};
        node = container[slot] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}

const coerce = (name: string, value: string): unknown =>
  ["Period", "MaxDatapoints"].includes(name)
    ? Number(value)
    : name === "ReturnData"
      ? value === "true"
      : value;

/** One query-protocol call (form fields already parsed). */
export function handleQuery(cloudWatch: CloudWatch, request: AwsRequest): AwsResponse {
  const params = (request.input ?? {}) as Record<string, string>;
  const requestId = request.requestId;
  const reply = (status: number, xml: string) =>
    xmlReply(request, status, `<?xml version="1.0"?>${xml}`);
  const error = (e: CloudWatchError) =>
    reply(
      e.status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.status >= 500 ? "Receiver" : "Sender"}</Type><Code>${xmlEscape(e.queryCode)}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  const action = params.Action ?? "";
  if (action !== "GetMetricData")
    return error(
      new CloudWatchError(
        "UnknownOperationException",
        "InvalidAction",
        `CloudWatch ${action || "(no Action)"} is not served by the local cloud (only GetMetricData)`,
      ),
    );
  try {
    const out = cloudWatch.getMetricData(normalize(decodeQuery(params)));
    const members = out.MetricDataResults.map(
      (r) =>
        `<member><Id>${xmlEscape(r.Id)}</Id><Label>${xmlEscape(r.Label)}</Label><StatusCode>${r.StatusCode}</StatusCode><Timestamps>${r.Timestamps.map((t) => `<member>${new Date(t).toISOString()}</member>`).join("")}</Timestamps><Values>${r.Values.map((v) => `<member>${v}</member>`).join("")}</Values></member>`,
    ).join("");
    return reply(
      200,
      `<GetMetricDataResponse xmlns="${XMLNS}"><GetMetricDataResult><MetricDataResults>${members}</MetricDataResults><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetMetricDataResponse>`,
    );
  } catch (e) {
    if (e instanceof CloudWatchError) return error(e);
    throw e;
  }
}
