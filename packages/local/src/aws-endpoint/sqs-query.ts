import { xmlEscape } from "../protocol";

// SQS's query protocol (form-encoded `Action=...` requests, XML replies), which
// Debian's awscli 2.9.19 still speaks, translated to and from the JSON protocol
// fauxqs implements. Only the shapes SQS actually uses are mapped.

type Params = Record<string, string>;
type Json = Record<string, unknown>;

const NUMBERS = new Set([
  "MaxNumberOfMessages",
  "VisibilityTimeout",
  "WaitTimeSeconds",
  "DelaySeconds",
  "MaxResults",
  "MaxNumberOfMessagesPerSecond",
]);

/** `Prefix.N...` members, in N order: each as the params under it (prefix stripped). */
function members(params: Params, prefix: string): Params[] {
  const byIndex = new Map<number, Params>();
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const rest = key.slice(prefix.length + 1);
    const dot = rest.indexOf(".");
    const index = Number(dot === -1 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index)) continue;
    const member = byIndex.get(index) ?? {};
    member[dot === -1 ? "" : rest.slice(dot + 1)] = value;
    byIndex.set(index, member);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, m]) => m);
}

const list = (params: Params, prefix: string) => members(params, prefix).map((m) => m[""]!);
const nameValueMap = (params: Params, prefix: string, key = "Name", value = "Value") =>
  Object.fromEntries(members(params, prefix).map((m) => [m[key]!, m[value] ?? ""]));

function messageAttributes(params: Params, prefix: string) {
  const entries = members(params, prefix).map((m) => [
    m.Name!,
    {
      DataType: m["Value.DataType"],
      ...(m["Value.StringValue"] !== undefined ? { StringValue: m["Value.StringValue"] } : {}),
      ...(m["Value.BinaryValue"] !== undefined ? { BinaryValue: m["Value.BinaryValue"] } : {}),
    },
  ]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function scalars(params: Params): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === "Action" || key === "Version" || key.includes(".")) continue;
    out[key] = NUMBERS.has(key) ? Number(value) : value;
  }
  return out;
}

function entry(params: Params): Json {
  const out = scalars(params);
  const attrs = messageAttributes(params, "MessageAttribute");
  if (attrs) out.MessageAttributes = attrs;
  return out;
}

/** The JSON request body for a query-protocol SQS request. */
export function queryToJson(action: string, params: Params): Json {
  const body = scalars(params);
  const attributes = nameValueMap(params, "Attribute");
  if (Object.keys(attributes).length) body.Attributes = attributes;
  const tags = nameValueMap(params, "Tag", "Key", "Value");
  if (Object.keys(tags).length) body[action === "CreateQueue" ? "tags" : "Tags"] = tags;
  const attributeNames = list(params, "AttributeName");
  if (attributeNames.length) body.AttributeNames = attributeNames;
  const messageAttributeNames = list(params, "MessageAttributeName");
  if (messageAttributeNames.length) body.MessageAttributeNames = messageAttributeNames;
  const systemNames = list(params, "MessageSystemAttributeName");
  if (systemNames.length) body.MessageSystemAttributeNames = systemNames;
  const tagKeys = list(params, "TagKey");
  if (tagKeys.length) body.TagKeys = tagKeys;
  const attrs = messageAttributes(params, "MessageAttribute");
  if (attrs) body.MessageAttributes = attrs;
  for (const prefix of [
    "SendMessageBatchRequestEntry",
    "DeleteMessageBatchRequestEntry",
    "ChangeMessageVisibilityBatchRequestEntry",
  ]) {
    const entries = members(params, prefix);
    if (entries.length) {
      body.Entries = entries.map((m) =>
        entry(Object.fromEntries(Object.entries(m).filter(([k]) => k !== ""))),
      );
    }
  }
  return body;
}

const el = (name: string, value: unknown): string => {
  if (value === undefined || value === null) return "";
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
};

function messageAttributesXml(attrs: unknown) {
  if (!attrs || typeof attrs !== "object") return "";
  return Object.entries(attrs as Record<string, Json>)
    .map(
      ([name, v]) =>
        `<MessageAttribute>${el("Name", name)}<Value>${el("StringValue", v.StringValue)}${el("BinaryValue", v.BinaryValue)}${el("DataType", v.DataType)}</Value></MessageAttribute>`,
    )
    .join("");
}

const attributesXml = (attrs: unknown, tag = "Attribute") =>
  attrs && typeof attrs === "object"
    ? Object.entries(attrs as Record<string, unknown>)
        .map(([k, v]) => `<${tag}>${el("Name", k)}${el("Value", v)}</${tag}>`)
        .join("")
    : "";

function messageXml(m: Json) {
  return `<Message>${el("MessageId", m.MessageId)}${el("ReceiptHandle", m.ReceiptHandle)}${el("MD5OfBody", m.MD5OfBody)}${el("MD5OfMessageAttributes", m.MD5OfMessageAttributes)}${el("Body", m.Body)}${attributesXml(m.Attributes)}${messageAttributesXml(m.MessageAttributes)}</Message>`;
}

function batchXml(out: Json, successTag: string) {
  const ok = ((out.Successful as Json[]) ?? [])
    .map(
      (e) =>
        `<${successTag}>${Object.entries(e)
          .map(([k, v]) => el(k, v))
          .join("")}</${successTag}>`,
    )
    .join("");
  const failed = ((out.Failed as Json[]) ?? [])
    .map(
      (e) =>
        `<BatchResultErrorEntry>${Object.entries(e)
          .map(([k, v]) => el(k, v))
          .join("")}</BatchResultErrorEntry>`,
    )
    .join("");
  return ok + failed;
}

/** The XML reply for a JSON-protocol SQS result. */
export function jsonToXml(action: string, out: Json, requestId: string): string {
  let result = "";
  switch (action) {
    case "ListQueues":
    case "ListDeadLetterSourceQueues":
      result =
        ((out.QueueUrls ?? out.queueUrls) as string[] | undefined)
          ?.map((u) => el("QueueUrl", u))
          .join("") ?? "";
      result += el("NextToken", out.NextToken);
      break;
    case "GetQueueAttributes":
      result = attributesXml(out.Attributes);
      break;
    case "ReceiveMessage":
      result = ((out.Messages as Json[]) ?? []).map(messageXml).join("");
      break;
    case "SendMessageBatch":
      result = batchXml(out, "SendMessageBatchResultEntry");
      break;
    case "DeleteMessageBatch":
      result = batchXml(out, "DeleteMessageBatchResultEntry");
      break;
    case "ChangeMessageVisibilityBatch":
      result = batchXml(out, "ChangeMessageVisibilityBatchResultEntry");
      break;
    case "ListQueueTags":
      result = Object.entries((out.Tags as Record<string, string>) ?? {})
        .map(([k, v]) => `<Tag>${el("Key", k)}${el("Value", v)}</Tag>`)
        .join("");
      break;
    case "ListMessageMoveTasks":
      result = ((out.Results as Json[]) ?? [])
        .map(
          (r) =>
            `<ListMessageMoveTasksResultEntry>${Object.entries(r)
              .map(([k, v]) => el(k, v))
              .join("")}</ListMessageMoveTasksResultEntry>`,
        )
        .join("");
      break;
    default:
      result = Object.entries(out)
        .filter(([, v]) => v === null || typeof v !== "object")
        .map(([k, v]) => el(k, v))
        .join("");
  }
  return `<?xml version="1.0"?><${action}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** SQS query-protocol error codes for the JSON protocol's `__type`s. */
export function queryErrorCode(jsonType: string, queryErrorHeader?: string): string {
  if (queryErrorHeader) return queryErrorHeader.split(";")[0]!;
  const bare = jsonType.replace(/^.*#/, "");
  const legacy: Record<string, string> = {
    QueueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue",
    QueueNameExists: "QueueAlreadyExists",
    ReceiptHandleIsInvalid: "ReceiptHandleIsInvalid",
    InvalidAddress: "InvalidAddress",
  };
  return legacy[bare] ?? bare;
}
