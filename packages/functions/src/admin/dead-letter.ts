import { unwrapSns } from "@orders/core/events";
import type { DeadLetter } from "./schemas";

// What an operator needs to know about a dead letter, whichever of the DLQ
// mechanisms (seed §9.2) put it there:
//  - SQS redrive: the original message (an EventBridge event, an approval
//    request, or an SNS envelope around an event);
//  - EventBridge rule DLQ: the undelivered event, with ERROR_CODE,
//    ERROR_MESSAGE, RULE_ARN, TARGET_ARN and RETRY_ATTEMPTS attributes;
//  - stream on-failure destination: Lambda's record of the failed batch.

export interface ReceivedMessage {
  MessageId?: string | undefined;
  Body?: string | undefined;
  Attributes?: Partial<Record<string, string>> | undefined;
  MessageAttributes?:
    | Record<string, { StringValue?: string | undefined; DataType?: string | undefined }>
    | undefined;
}

const tryJson = (text: string | undefined): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

type Obj = Record<string, unknown>;
const asObj = (value: unknown): Obj | undefined =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
const str = (value: unknown) => (typeof value === "string" ? value : null);

/** The event (or approval request) inside a body, unwrapping an SNS envelope. */
export function innerPayload(body: string | undefined): Obj | undefined {
  const parsed = asObj(tryJson(body));
  if (!parsed) return undefined;
  return asObj(unwrapSns(parsed)) ?? parsed;
}

export function describeDeadLetter(message: ReceivedMessage): DeadLetter {
  const attrs = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ""]),
  );
  const payload = innerPayload(message.Body);
  const detail = asObj(payload?.detail);
  const failure = asObj(payload?.requestContext);
  const retry = attrs.RETRY_ATTEMPTS ?? null;
  const sent = message.Attributes?.SentTimestamp;
  return {
    messageId: message.MessageId ?? "",
    sentAt: sent ? new Date(Number(sent)).toISOString() : null,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    body: message.Body ?? "",
    orderId: str(detail?.orderId) ?? str(payload?.orderId),
    correlationId: str(detail?.correlationId) ?? str(payload?.correlationId),
    detailType: str(payload?.["detail-type"]),
    error: {
      code: attrs.ERROR_CODE ?? str(failure?.condition) ?? null,
      message: attrs.ERROR_MESSAGE ?? str(asObj(payload?.responseContext)?.functionError) ?? null,
      rule: attrs.RULE_ARN ?? null,
      target: attrs.TARGET_ARN ?? str(failure?.functionArn) ?? null,
      retryAttempts: retry === null ? null : Number(retry),
    },
    attributes: {
      ...attrs,
      ...(message.Attributes?.DeadLetterQueueSourceArn
        ? { DeadLetterQueueSourceArn: message.Attributes.DeadLetterQueueSourceArn }
        : {}),
    },
  };
}

/** An EventBridge event from a rule DLQ, as PutEvents wants it back. */
export function eventForBus(
  body: string | undefined,
): { Source: string; DetailType: string; Detail: string; Time?: Date } | undefined {
  const event = asObj(tryJson(body));
  if (!event || typeof event.source !== "string" || typeof event["detail-type"] !== "string")
    return undefined;
  return {
    Source: event.source,
    DetailType: event["detail-type"],
    Detail: JSON.stringify(event.detail ?? {}),
  };
}
