// Lambda's Invoke (REST: POST /2015-03-31/functions/<name>/invocations) on the
// dispatcher, over the local runner.

import type { LambdaRunner } from "../lambda/runner";
import { type AwsRequest, type AwsService, functionArn, jsonReply, type Scope } from "../protocol";

/** Lambda's synchronous invocation payload limit. */
const MAX_LAMBDA_PAYLOAD = 6 * 1024 * 1024;

export function lambdaService(runner: () => LambdaRunner | undefined, scope: Scope): AwsService {
  const reply = (
    r: AwsRequest,
    status: number,
    value: unknown,
    headers: Record<string, string> = {},
  ) => jsonReply(r, status, value, "application/json", headers);
  const error = (r: AwsRequest, status: number, type: string, message: string) =>
    reply(r, status, { Type: "User", message }, { "x-amzn-errortype": type });
  const nameOf = (r: AwsRequest) => String(r.input?.name ?? "");
  return {
    name: "lambda",
    routes: {
      rest: [
        {
          method: "POST",
          path: /^\/2015-03-31\/functions\/(?<name>[^/]+)\/invocations$/,
          operation: "Invoke",
        },
      ],
    },
    operations: {
      // Authorised on the function's deployed ARN, however it is named (the local
      // runner also answers to a topology name such as `Ingress`).
      Invoke: (r) => {
        const name = nameOf(r).startsWith("arn:") ? nameOf(r) : nameOf(r).split(":")[0]!;
        const run = runner();
        return {
          action: "lambda:InvokeFunction",
          resources: [
            run?.has(name)
              ? run.functionArn(name.replace(/^.*:function:/, "").split(":")[0]!)
              : name.startsWith("arn:")
                ? name
                : functionArn(scope, name),
          ],
        };
      },
    },
    async handle(r) {
      const run = runner();
      const name = nameOf(r);
      if (!run) return error(r, 503, "ServiceException", "The Lambda runner is not running");
      if (!run.has(name))
        return error(
          r,
          404,
          "ResourceNotFoundException",
          `Function not found: ${run.functionArn(name.replace(/^.*:function:/, "").split(":")[0]!)}`,
        );
      const type = String(r.headers["x-amz-invocation-type"] ?? "RequestResponse");
      if (r.body.length > MAX_LAMBDA_PAYLOAD)
        return error(
          r,
          413,
          "RequestTooLargeException",
          `Request must be smaller than ${MAX_LAMBDA_PAYLOAD} bytes for the InvokeFunction operation`,
        );
      let event: unknown = null;
      if (r.body.length) {
        try {
          event = JSON.parse(r.body.toString("utf8"));
        } catch {
          return error(
            r,
            400,
            "InvalidRequestContentException",
            "Could not parse request body into json",
          );
        }
      }
      if (type === "DryRun") return reply(r, 204, {});
      if (type === "Event") {
        run.invokeAsync(name, event);
        return reply(r, 202, {});
      }
      if (type !== "RequestResponse")
        return error(r, 400, "InvalidParameterValueException", `Invalid InvocationType ${type}`);
      const out = await run.invoke(name, event);
      return reply(r, 200, out.payload, {
        "x-amz-executed-version": "$LATEST",
        ...(out.functionError ? { "x-amz-function-error": out.functionError } : {}),
      });
    },
  };
}
