// AWS-shaped errors for each wire protocol the endpoint speaks.

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** SQS query protocol's code, when it differs (AWS.SimpleQueueService.NonExistentQueue). */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const xmlEscape = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!,
  );

/** JSON protocols (DynamoDB, SQS JSON, EventBridge, Step Functions): `{__type, message}`. */
export const jsonErrorBody = (code: string, message: string) => ({ __type: code, message });

/** Query protocol (SQS, SNS): `<ErrorResponse>`. */
export function xmlError(
  code: string,
  message: string,
  requestId: string,
  type: "Sender" | "Receiver" = "Sender",
) {
  return `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
