// Task state resources: which integrations exist, how they are called, and how their
// results and failures look to the state machine (names matched by Retry/Catch).
import { randomUUID } from "node:crypto";
import { StatesRuntimeError } from "./errors";
import type { AwsService, JSONValue, ServiceIntegrations, TaskCaller } from "./types";

export interface TaskResource {
  /** History's `resourceType`/`resource`, e.g. `sqs` + `sendMessage.waitForTaskToken`. */
  resourceType: string;
  resource: string;
  /** A Lambda ARN used directly as Resource: history uses LambdaFunction* events. */
  directLambda?: string;
  service: "lambda" | AwsService;
  action: string;
  waitForTaskToken: boolean;
}

// Optimised integrations AWS offers for these services, and which support callbacks.
const SUPPORTED: Record<string, { actions: string[]; callback: boolean; prefix: string }> = {
  lambda: { actions: ["invoke"], callback: true, prefix: "Lambda" },
  dynamodb: {
    actions: ["getItem", "putItem", "updateItem", "deleteItem"],
    callback: false,
    prefix: "DynamoDB",
  },
  sqs: { actions: ["sendMessage"], callback: true, prefix: "SQS" },
  sns: { actions: ["publish"], callback: true, prefix: "SNS" },
  events: { actions: ["putEvents"], callback: true, prefix: "EventBridge" },
};

const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

export function parseResource(arn: string): TaskResource | undefined {
  if (typeof arn !== "string") return undefined;
  if (LAMBDA_ARN.test(arn)) {
    return {
      resourceType: "lambda",
      resource: "invoke",
      directLambda: arn,
      service: "lambda",
      action: "invoke",
      waitForTaskToken: false,
    };
  }
  const m = /^arn:aws[a-z-]*:states:::([a-z]+):([A-Za-z]+)(\.waitForTaskToken)?$/.exec(arn);
  if (!m) return undefined;
  const [, service, action, callback] = m as unknown as [string, string, string, string?];
  const spec = SUPPORTED[service];
  if (!spec?.actions.includes(action) || (callback && !spec.callback)) return undefined;
  return {
    resourceType: service,
    resource: `${action}${callback ?? ""}`,
    service: service as TaskResource["service"],
    action,
    waitForTaskToken: Boolean(callback),
  };
}

const httpMetadata = () => {
  const requestId = randomUUID();
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: { "x-amzn-RequestId": [requestId] },
      HttpHeaders: { "x-amzn-RequestId": requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
};

// ASL lets these be JSON objects; the AWS APIs take strings, and Step Functions serialises.
function serialiseBodies(service: string, params: Record<string, unknown>) {
  const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  if (service === "sqs" && "MessageBody" in params)
    return { ...params, MessageBody: str(params.MessageBody) };
  if (service === "sns" && "Message" in params) return { ...params, Message: str(params.Message) };
  if (service === "events" && Array.isArray(params.Entries)) {
    return {
      ...params,
      Entries: params.Entries.map((e: Record<string, unknown>) =>
        "Detail" in e ? { ...e, Detail: str(e.Detail) } : e,
      ),
    };
  }
  return params;
}

/** Calls the resource; resolves to the task result or throws a StatesRuntimeError. */
export async function callResource(
  integrations: ServiceIntegrations,
  res: TaskResource,
  params: JSONValue,
  caller: TaskCaller,
): Promise<JSONValue> {
  if (res.service === "lambda") return invokeLambda(integrations, res, params, caller);
  const input = serialiseBodies(res.service, (params ?? {}) as Record<string, unknown>);
  let output: Record<string, unknown>;
  try {
    output = ((await integrations.aws(res.service, res.action, input, caller)) ?? {}) as Record<
      string,
      unknown
    >;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    const prefix = SUPPORTED[res.service]?.prefix ?? res.service;
    const name = e.name && e.name !== "Error" ? e.name : "ServiceException";
    throw new StatesRuntimeError(
      `${prefix}.${name}`,
      `${e.message ?? String(err)} (Service: ${prefix}; Error Code: ${name})`,
    );
  }
  const { $metadata: _m, ...rest } = output;
  if (res.service === "events" && Number(rest.FailedEntryCount ?? 0) > 0) {
    throw new StatesRuntimeError("EventBridge.FailedEntry", JSON.stringify(rest));
  }
  return { ...rest, ...httpMetadata() } as JSONValue;
}

async function invokeLambda(
  integrations: ServiceIntegrations,
  res: TaskResource,
  params: JSONValue,
  caller: TaskCaller,
) {
  const p = (params ?? {}) as Record<string, unknown>;
  const functionArn = res.directLambda ?? (p.FunctionName as string);
  if (typeof functionArn !== "string" || functionArn.length === 0) {
    throw new StatesRuntimeError(
      "States.Runtime",
      "lambda:invoke requires Parameters.FunctionName",
    );
  }
  // Direct-ARN resources pass the effective input itself as the event.
  const payload = res.directLambda ? params : p.Payload;
  let out: { payload?: unknown; functionError?: string };
  try {
    out = await integrations.invokeLambda(functionArn, payload, caller);
  } catch (err) {
    const e = err as { name?: string; message?: string };
    const name = e.name?.endsWith("Exception") ? e.name : "ServiceException";
    throw new StatesRuntimeError(`Lambda.${name}`, e.message ?? String(err));
  }
  if (out.functionError) {
    const body = out.payload as { errorType?: string } | undefined;
    const name = typeof body?.errorType === "string" ? body.errorType : "Lambda.Unknown";
    throw new StatesRuntimeError(name, JSON.stringify(out.payload ?? null));
  }
  const payloadOut = (out.payload ?? null) as JSONValue;
  if (res.directLambda) return payloadOut;
  const meta = httpMetadata();
  return {
    ExecutedVersion: "$LATEST",
    Payload: payloadOut,
    SdkHttpMetadata: meta.SdkHttpMetadata,
    SdkResponseMetadata: meta.SdkResponseMetadata,
    StatusCode: 200,
  };
}
