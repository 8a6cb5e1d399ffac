// Archives and replay: the archive keeps events with their original time; a replay redelivers
// exactly its window, tagged with `replay-name`, and its state survives a restart.
import {
  CreateArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type Bridge,
  eventually,
  type Sqs,
  startBridge,
  startSqs,
} from "../../../test/eventbridge/test-harness";

let sqs: Sqs;
let bridge: Bridge;
beforeAll(async () => {
  sqs = await startSqs();
  bridge = await startBridge(sqs.deliverer);
});
afterAll(async () => {
  await bridge.stop();
  await sqs.stop();
});

const busArn = "arn:aws:events:us-east-1:012345679012:event-bus/default";
const at = (iso: string) => new Date(iso);

it("replays exactly the archived window to the rules, with replay-name", async () => {
  const { ArchiveArn } = await bridge.client.send(
    new CreateArchiveCommand({
      ArchiveName: "orders",
      EventSourceArn: busArn,
      EventPattern: '{"source":["shop"]}',
      RetentionDays: 0,
    }),
  );
  const times = [
    "2024-01-01T09:00:00Z",
    "2024-01-01T10:00:00Z",
    "2024-01-01T10:30:00Z",
    "2024-01-01T11:00:00Z",
  ];
  await bridge.client.send(
    new PutEventsCommand({
      Entries: [
        ...times.map((t, n) => ({
          Source: "shop",
          DetailType: "OrderPlaced.v1",
          Detail: JSON.stringify({ n }),
          Time: at(t),
        })),
        // Not archived: the archive's pattern wants source "shop".
        { Source: "other", DetailType: "x", Detail: "{}", Time: at("2024-01-01T10:15:00Z") },
      ],
    }),
  );
  const archive = await bridge.client.send(new DescribeArchiveCommand({ ArchiveName: "orders" }));
  expect(archive.EventCount).toBe(4);

  // Rules made after the events: only the replay can feed them.
  const queue = await sqs.createQueue("replayed");
  const ignored = await sqs.createQueue("filtered-out");
  const { RuleArn } = await bridge.client.send(
    new PutRuleCommand({ Name: "replay-target", EventPattern: '{"source":["shop","other"]}' }),
  );
  await bridge.client.send(
    new PutTargetsCommand({ Rule: "replay-target", Targets: [{ Id: "q", Arn: queue.arn }] }),
  );
  await bridge.client.send(
    new PutRuleCommand({ Name: "not-in-filter", EventPattern: '{"source":["shop"]}' }),
  );
  await bridge.client.send(
    new PutTargetsCommand({ Rule: "not-in-filter", Targets: [{ Id: "q", Arn: ignored.arn }] }),
  );

  const started = await bridge.client.send(
    new StartReplayCommand({
      ReplayName: "morning",
      EventSourceArn: ArchiveArn,
      EventStartTime: at("2024-01-01T10:00:00Z"),
      EventEndTime: at("2024-01-01T11:00:00Z"),
      Destination: { Arn: busArn, FilterArns: [RuleArn!] },
    }),
  );
  expect(started.State).toBe("STARTING");
  const done = await eventually(async () => {
    const d = await bridge.client.send(new DescribeReplayCommand({ ReplayName: "morning" }));
    return d.State === "COMPLETED" ? d : undefined;
  });
  expect(done.EventLastReplayedTime).toEqual(at("2024-01-01T10:30:00Z"));
  await bridge.eb.idle();

  const replayed = (await sqs.drain(queue.url)).map((m) => JSON.parse(m.Body!));
  expect(replayed.map((e) => e.detail.n).sort()).toEqual([1, 2]);
  expect(replayed.map((e) => e.time).sort()).toEqual([
    "2024-01-01T10:00:00Z",
    "2024-01-01T10:30:00Z",
  ]);
  expect(replayed.every((e) => e["replay-name"] === "morning")).toBe(true);
  expect(await sqs.drain(ignored.url)).toEqual([]);

  // Replayed events are not archived again.
  const after = await bridge.client.send(new DescribeArchiveCommand({ ArchiveName: "orders" }));
  expect(after.EventCount).toBe(4);

  // The replay and the archive are durable.
  await bridge.restart();
  const reopened = await bridge.client.send(new DescribeReplayCommand({ ReplayName: "morning" }));
  expect(reopened.State).toBe("COMPLETED");
  const list = await bridge.client.send(new ListReplaysCommand({}));
  expect(list.Replays?.map((r) => r.ReplayName)).toEqual(["morning"]);
  const again = await bridge.client.send(new DescribeArchiveCommand({ ArchiveName: "orders" }));
  expect(again.EventCount).toBe(4);
});

it("rejects a bad replay window and a duplicate name without starting anything", async () => {
  const archiveArn = "arn:aws:events:us-east-1:012345679012:archive/orders";
  const bad = bridge.client.send(
    new StartReplayCommand({
      ReplayName: "backwards",
      EventSourceArn: archiveArn,
      EventStartTime: at("2024-01-02T00:00:00Z"),
      EventEndTime: at("2024-01-01T00:00:00Z"),
      Destination: { Arn: busArn },
    }),
  );
  await expect(bad).rejects.toMatchObject({ name: "ValidationException" });
  const dup = bridge.client.send(
    new StartReplayCommand({
      ReplayName: "morning",
      EventSourceArn: archiveArn,
      EventStartTime: at("2024-01-01T00:00:00Z"),
      EventEndTime: at("2024-01-02T00:00:00Z"),
      Destination: { Arn: busArn },
    }),
  );
  await expect(dup).rejects.toMatchObject({ name: "ResourceAlreadyExistsException" });
  const list = await bridge.client.send(new ListReplaysCommand({}));
  expect(list.Replays?.map((r) => r.ReplayName)).toEqual(["morning"]);
});
