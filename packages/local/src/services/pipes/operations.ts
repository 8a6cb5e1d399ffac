// Pipes' REST-JSON API on the shared protocol layer (paths as @aws-sdk/client-pipes
// sends them), each operation with the IAM action and resource AWS authorises
// it on (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgepipes.html):
// `pipes:<Operation>` on `arn:aws:pipes:<region>:<account>:pipe/<name>`,
// ListPipes on `*`; creating or updating a pipe also passes its role (iam:PassRole).
import {
  type Authorize,
  AwsError,
  type AwsRequest,
  type AwsService,
  jsonReply,
  parseJsonObject,
  type Scope,
} from "../../protocol";
import { pipeArn } from "./service";
import type { Pipes } from "./types";

const PIPE = "(?<Name>[^/]+)";

const routes = [
  { method: "GET", path: /^\/v1\/pipes\/?$/, operation: "ListPipes" },
  { method: "POST", path: new RegExp(`^/v1/pipes/${PIPE}/start$`), operation: "StartPipe" },
  { method: "POST", path: new RegExp(`^/v1/pipes/${PIPE}/stop$`), operation: "StopPipe" },
  { method: "POST", path: new RegExp(`^/v1/pipes/${PIPE}$`), operation: "CreatePipe" },
  { method: "GET", path: new RegExp(`^/v1/pipes/${PIPE}$`), operation: "DescribePipe" },
  { method: "PUT", path: new RegExp(`^/v1/pipes/${PIPE}$`), operation: "UpdatePipe" },
  { method: "DELETE", path: new RegExp(`^/v1/pipes/${PIPE}$`), operation: "DeletePipe" },
];

export function pipesService(
  pipes: () => Pick<Pipes, "handle"> | undefined,
  scope: Scope,
): AwsService {
  const nameOf = (r: AwsRequest) => String(r.input?.Name ?? "");
  const onPipe =
    (operation: string): Authorize =>
    (r) => ({ action: `pipes:${operation}`, resources: [pipeArn(scope, nameOf(r))] });
  /** CreatePipe and UpdatePipe: on the pipe, and passing the role the pipe will run as. */
  const passingRole =
    (operation: string): Authorize =>
    (r) => {
      const role = r.body ? parseJsonObject(r.body)?.RoleArn : undefined;
      const pipe = pipeArn(scope, nameOf(r));
      return {
        action: `pipes:${operation}`,
        resources: [pipe],
        ...(typeof role === "string" && role
          ? {
              checks: [
                { action: `pipes:${operation}`, resource: pipe },
                { action: "iam:PassRole", resource: role },
              ],
            }
          : {}),
      };
    };
  return {
    name: "pipes",
    routes: { rest: routes },
    operations: {
      CreatePipe: passingRole("CreatePipe"),
      UpdatePipe: passingRole("UpdatePipe"),
      DescribePipe: onPipe("DescribePipe"),
      DeletePipe: onPipe("DeletePipe"),
      StartPipe: onPipe("StartPipe"),
      StopPipe: onPipe("StopPipe"),
      ListPipes: () => ({ action: "pipes:ListPipes", resources: ["*"] }),
    },
    async handle(r) {
      const service = pipes();
      if (!service) throw new AwsError("InternalException", "Pipes is not running", 503);
      const body = parseJsonObject(r.body);
      if (!body)
        throw new AwsError("SerializationException", "The request body is not valid JSON.");
      const out = await service.handle(r.operation, {
        name: r.input?.Name === undefined ? undefined : nameOf(r),
        query: r.query,
        body,
      });
      return jsonReply(r, out.status, out.body, "application/json");
    },
  };
}
