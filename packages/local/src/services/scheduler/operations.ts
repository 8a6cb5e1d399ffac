// EventBridge Scheduler's REST-JSON API on the shared protocol layer: each
// operation's route (as @aws-sdk/client-scheduler sends it) and the IAM action
// and resource AWS authorises it on.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html
import {
  type Authorize,
  AwsError,
  type AwsRequest,
  type AwsService,
  jsonReply,
  parseJsonObject,
  type Scope,
} from "../../protocol";
import { scheduleArn, scheduleGroupArn } from "./service";
import type { Scheduler } from "./types";

const ROUTES: Array<{ method: string; path: RegExp; operation: string }> = [
  { method: "POST", path: /^\/schedules\/(?<Name>[^/]+)$/, operation: "CreateSchedule" },
  { method: "GET", path: /^\/schedules\/(?<Name>[^/]+)$/, operation: "GetSchedule" },
  { method: "PUT", path: /^\/schedules\/(?<Name>[^/]+)$/, operation: "UpdateSchedule" },
  { method: "DELETE", path: /^\/schedules\/(?<Name>[^/]+)$/, operation: "DeleteSchedule" },
  { method: "GET", path: /^\/schedules\/?$/, operation: "ListSchedules" },
  { method: "POST", path: /^\/schedule-groups\/(?<Name>[^/]+)$/, operation: "CreateScheduleGroup" },
  { method: "GET", path: /^\/schedule-groups\/(?<Name>[^/]+)$/, operation: "GetScheduleGroup" },
  {
    method: "DELETE",
    path: /^\/schedule-groups\/(?<Name>[^/]+)$/,
    operation: "DeleteScheduleGroup",
  },
  { method: "GET", path: /^\/schedule-groups\/?$/, operation: "ListScheduleGroups" },
];

/** The query string's members under their API names (ListSchedules' group is `ScheduleGroup`). */
const QUERY: Record<string, string> = {
  groupName: "GroupName",
  clientToken: "ClientToken",
  ScheduleGroup: "GroupName",
  NamePrefix: "NamePrefix",
  State: "State",
  NextToken: "NextToken",
  MaxResults: "MaxResults",
};

/** The operation's input: the JSON body's members, the query's, and the path's `Name`. */
function inputOf(request: AwsRequest): Record<string, unknown> | undefined {
  const body =
    (request.method === "POST" || request.method === "PUT") && request.body
      ? parseJsonObject(request.body)
      : {};
  if (!body) return undefined;
  const input: Record<string, unknown> = { ...body };
  for (const [key, value] of request.query ?? []) if (QUERY[key]) input[QUERY[key]] = value;
  if (typeof request.input?.Name === "string") input.Name = request.input.Name;
  return input;
}

export function schedulerService(
  scheduler: () => Pick<Scheduler, "handle"> | undefined,
  scope: Scope,
): AwsService {
  const group = (i: Record<string, unknown> | undefined) =>
    typeof i?.GroupName === "string" ? i.GroupName : "default";
  const name = (i: Record<string, unknown> | undefined) => String(i?.Name ?? "");
  const onSchedule: Authorize = (r) => {
    const i = inputOf(r);
    return {
      action: `scheduler:${r.operation}`,
      resources: [scheduleArn(scope, group(i), name(i))],
    };
  };
  const onGroup: Authorize = (r) => ({
    action: `scheduler:${r.operation}`,
    resources: [scheduleGroupArn(scope, name(r.input))],
  });
  // List actions have no resource-level permissions.
  const onAll: Authorize = (r) => ({ action: `scheduler:${r.operation}`, resources: ["*"] });
  const reply = (
    r: AwsRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => jsonReply(r, status, body, "application/json", headers);
  // Scheduler's errors: `{"Message"}` with the code in x-amzn-errortype.
  const errorReply = (r: AwsRequest, error: AwsError) =>
    reply(r, error.status, { Message: error.message }, { "x-amzn-errortype": error.code });
  return {
    name: "scheduler",
    routes: { rest: ROUTES },
    operations: {
      CreateSchedule: onSchedule,
      GetSchedule: onSchedule,
      UpdateSchedule: onSchedule,
      DeleteSchedule: onSchedule,
      ListSchedules: onAll,
      CreateScheduleGroup: onGroup,
      GetScheduleGroup: onGroup,
      DeleteScheduleGroup: onGroup,
      ListScheduleGroups: onAll,
    },
    errorReply,
    async handle(request) {
      const running = scheduler();
      if (!running)
        throw new AwsError("InternalServerException", "The Scheduler is not running", 503);
      const input = inputOf(request);
      if (!input) throw new AwsError("ValidationException", "The request body is not valid JSON.");
      const out = await running.handle(request.operation, input);
      return reply(request, out.status, out.body);
    },
  };
}
