// EventBridge's operations on the shared protocol layer, each with the IAM
// action and resources AWS authorises it on.
import {
  type Authorize,
  type AwsService,
  archiveArn,
  busNameOf,
  eventBusArn,
  jsonService,
  replayArn,
  ruleArn,
  type Scope,
} from "../../protocol";
import type { EventBridge } from "./types";

type Input = Record<string, unknown>;
const name = (v: unknown) => (typeof v === "string" ? v : undefined);

export function eventBridgeService(
  eb: () => Pick<EventBridge, "handle"> | undefined,
  scope: Scope,
): AwsService {
  const bus = (i: Input) => eventBusArn(scope, busNameOf(name(i.Name)));
  const rule = (field: "Name" | "Rule") => (i: Input) => {
    const r = name(i[field]);
    return r ? ruleArn(scope, busNameOf(name(i.EventBusName)), r) : "*";
  };
  const archive = (i: Input) =>
    name(i.ArchiveName) ? archiveArn(scope, name(i.ArchiveName)!) : "*";
  const replay = (i: Input) => (name(i.ReplayName) ? replayArn(scope, name(i.ReplayName)!) : "*");
  const any = () => "*";
  const single: Record<string, (i: Input) => string> = {
    CreateEventBus: bus,
    DescribeEventBus: bus,
    DeleteEventBus: bus,
    ListEventBuses: any,
    PutRule: rule("Name"),
    DescribeRule: rule("Name"),
    ListRules: any,
    DeleteRule: rule("Name"),
    EnableRule: rule("Name"),
    DisableRule: rule("Name"),
    PutTargets: rule("Rule"),
    ListTargetsByRule: rule("Rule"),
    RemoveTargets: rule("Rule"),
    TestEventPattern: any,
    CreateArchive: archive,
    DescribeArchive: archive,
    DeleteArchive: archive,
    ListArchives: any,
    DescribeReplay: replay,
    CancelReplay: replay,
    ListReplays: any,
  };
  const operations: Record<string, Authorize> = Object.fromEntries(
    Object.entries(single).map(([op, resource]) => [
      op,
      (r) => ({ action: `events:${op}`, resources: [resource(r.input ?? {})] }),
    ]),
  );
  // StartReplay is authorised on the archive it reads, the bus it writes to and
  // the replay it creates (Service Authorization Reference: all three required).
  operations.StartReplay = (r) => {
    const i = r.input ?? {};
    const destination = (i.Destination ?? {}) as Input;
    return {
      action: "events:StartReplay",
      resources: [replay(i), name(i.EventSourceArn) ?? "*", name(destination.Arn) ?? "*"].filter(
        (arn, at, all) => all.indexOf(arn) === at,
      ),
    };
  };
  // PutEvents is authorised on every bus its entries name.
  operations.PutEvents = (r) => {
    const entries = Array.isArray(r.input?.Entries) ? (r.input.Entries as Input[]) : [];
    const buses = new Set(entries.map((e) => eventBusArn(scope, busNameOf(name(e?.EventBusName)))));
    return {
      action: "events:PutEvents",
      resources: buses.size ? [...buses] : [eventBusArn(scope, "default")],
    };
  };
  return jsonService({ name: "events", target: "AWSEvents", version: "1.1", operations, api: eb });
}
