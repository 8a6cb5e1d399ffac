// AWS error shapes, once for every protocol the local cloud speaks. A service
// throws `AwsError`; the dispatcher writes it in the request's protocol.

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Query protocol's code, when it differs (SQS: AWS.SimpleQueueService.NonExistentQueue). */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const awsError = (code: string, message: string, status = 400) =>
  new AwsError(code, message, status);

export const xmlEscape = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!,
  );

/** JSON protocols (DynamoDB, SQS JSON, EventBridge, Step Functions, Logs): `{__type, message}`. */
export const jsonErrorBody = (code: string, message: string) => ({ __type: code, message });

/** `x-amzn-errortype` carries the bare code (a `__type` may be `namespace#Code`). */
export const errorTypeHeader = (type: string) => type.replace(/^.*#/, "");

/** Query protocol (SQS, SNS, CloudWatch): `<ErrorResponse>`. */
export function xmlError(
  code: string,
  message: string,
  requestId: string,
  type: "Sender" | "Receiver" = "Sender",
) {
  return `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
