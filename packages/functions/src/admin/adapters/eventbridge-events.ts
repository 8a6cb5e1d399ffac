import {
  DescribeArchiveCommand,
  type EventBridgeClient,
  ListArchivesCommand,
  ListReplaysCommand,
  ListRulesCommand,
  type Replay,
  StartReplayCommand,
} from "@aws-sdk/client-eventbridge";
import { rules as topologyRules } from "@orders/core/topology";
import { AdminError } from "../errors";
import type { EventsPort } from "../ports";
import type { ReplaySummary } from "../schemas";

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

const summary = (r: Replay & { ReplayName?: string }): ReplaySummary => ({
  name: r.ReplayName ?? "",
  state: r.State ?? "UNKNOWN",
  from: iso(r.EventStartTime) ?? "",
  to: iso(r.EventEndTime) ?? "",
  startedAt: iso(r.ReplayStartTime),
  endedAt: iso(r.ReplayEndTime),
  reason: r.StateReason ?? null,
});

/** Topology rules whose pattern matches any of these detail-types. */
export function rulesForDetailTypes(detailTypes: readonly string[]): string[] {
  return Object.entries(topologyRules)
    .filter(([, rule]) =>
      (rule.pattern["detail-type"] as readonly string[]).some((t) => detailTypes.includes(t)),
    )
    .map(([name]) => name);
}

// StartReplay cannot filter by detail-type; it can limit the replay to rules
// (Destination.FilterArns). So a replay of "OrderPlaced.v1" goes to the rules
// that route OrderPlaced.v1, and their consumers' idempotency makes events
// handled the first time no-ops.
export function eventBridgeEvents(deps: {
  eventBridge: EventBridgeClient;
  bus: () => { name: string; arn: string };
}): EventsPort {
  const archiveArn = async () => {
    const { Archives = [] } = await deps.eventBridge.send(
      new ListArchivesCommand({ EventSourceArn: deps.bus().arn }),
    );
    const archive = Archives[0];
    if (!archive?.ArchiveName)
      throw new AdminError("NO_ARCHIVE", "The bus has no archive to replay from", 409);
    const { ArchiveArn } = await deps.eventBridge.send(
      new DescribeArchiveCommand({ ArchiveName: archive.ArchiveName }),
    );
    if (!ArchiveArn)
      throw new AdminError("NO_ARCHIVE", `Archive ${archive.ArchiveName} has no ARN`, 409);
    return ArchiveArn;
  };

  return {
    async listReplays() {
      const { Replays = [] } = await deps.eventBridge.send(new ListReplaysCommand({ Limit: 50 }));
      return Replays.map(summary).sort((a, b) =>
        (b.startedAt ?? "").localeCompare(a.startedAt ?? ""),
      );
    },

    async startReplay({ from, to, detailTypes, name }) {
      const wanted = rulesForDetailTypes(detailTypes);
      if (wanted.length === 0) {
        throw new AdminError("NO_MATCHING_RULES", `No rule routes ${detailTypes.join(", ")}`, 400);
      }
      const { Rules = [] } = await deps.eventBridge.send(
        new ListRulesCommand({ EventBusName: deps.bus().name }),
      );
      // SST and the local cloud name rules after the topology key (maybe with an app/stage prefix).
      const filterArns = Rules.filter((r) => wanted.some((key) => r.Name?.includes(key)))
        .map((r) => r.Arn)
        .filter((arn): arn is string => Boolean(arn));
      if (filterArns.length === 0) {
        throw new AdminError(
          "NO_MATCHING_RULES",
          `The bus has no rule named like ${wanted.join(", ")}`,
          409,
        );
      }
      const started = await deps.eventBridge.send(
        new StartReplayCommand({
          ReplayName: name,
          EventSourceArn: await archiveArn(),
          EventStartTime: new Date(from),
          EventEndTime: new Date(to),
          Destination: { Arn: deps.bus().arn, FilterArns: filterArns },
          Description: `Replay of ${detailTypes.join(", ")}`,
        }),
      );
      return {
        name,
        state: started.State ?? "STARTING",
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        startedAt: iso(started.ReplayStartTime) ?? new Date().toISOString(),
        endedAt: null,
        reason: started.StateReason ?? null,
      };
    },
  };
}
