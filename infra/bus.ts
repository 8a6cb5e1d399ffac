import { bus as busSpec } from "../packages/core/src/topology";
import { offerGrantTargets } from "./functions";

// The custom event bus every domain event goes through, and its archive: what
// the orders service publishes is kept for replay (seed §9.5).

// Undeliverable events are covered by each rule's DLQ and FailedInvocations alarm.
export const bus = new sst.aws.Bus(busSpec.name);

export const archive = new aws.cloudwatch.EventArchive(`${busSpec.name}Archive`, {
  name: `${$app.name}-${$app.stage}-${busSpec.archive.name}`.slice(0, 48),
  eventSourceArn: bus.arn,
  eventPattern: JSON.stringify(busSpec.archive.pattern),
  retentionDays: busSpec.archive.retentionDays,
  description: "Everything the orders service publishes, for replay",
});

// A replay is named by whoever starts it: grants name replays by pattern.
offerGrantTargets({
  Bus: bus.arn,
  "Bus/archive": archive.arn,
  "Bus/replays": $interpolate`arn:aws:events:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:replay/*`,
});
