// The Scheduler API through the AWS SDK v3 client, over HTTP and the protocol
// layer: schedules, groups, validation and AWS's error shapes.
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  manualClock,
  REGION,
  ROLE,
  type SchedulerHarness,
  startScheduler,
} from "../../../test/scheduler/test-harness";
import { type Authorization, createDispatcher, startAwsServer } from "../../protocol";
import { schedulerService } from "./operations";

const clock = manualClock();
const calls: string[] = [];
let h: SchedulerHarness;
beforeAll(async () => {
  h = await startScheduler({
    now: clock.now,
    deliver: {
      invoke: async (target) => {
        calls.push(target.Arn);
      },
      deadLetter: async () => {},
    },
  });
});
afterAll(() => h.stop());

const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;
const schedule = (Name: string, more: Partial<CreateScheduleCommandInput> = {}) =>
  ({
    Name,
    ScheduleExpression: "rate(5 minutes)",
    FlexibleTimeWindow: { Mode: "OFF" },
    Target: { Arn: queue, RoleArn: ROLE, Input: '{"hello":1}' },
    ...more,
  }) satisfies CreateScheduleCommandInput;

describe("schedules", () => {
  it("creates, reads, updates and deletes a schedule", async () => {
    const created = await h.client.send(
      new CreateScheduleCommand(
        schedule("nightly", {
          ScheduleExpression: "cron(0 2 * * ? *)",
          ScheduleExpressionTimezone: "Europe/Paris",
          Description: "sweep",
          Target: {
            Arn: queue,
            RoleArn: ROLE,
            Input: "x",
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
            DeadLetterConfig: { Arn: `${queue}-dlq` },
          },
        }),
      ),
    );
    expect(created.ScheduleArn).toBe(
      `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/nightly`,
    );
    const got = await h.client.send(new GetScheduleCommand({ Name: "nightly" }));
    expect(got).toMatchObject({
      Arn: created.ScheduleArn,
      Name: "nightly",
      GroupName: "default",
      ScheduleExpression: "cron(0 2 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Paris",
      Description: "sweep",
      State: "ENABLED",
      ActionAfterCompletion: "NONE",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: queue,
        RoleArn: ROLE,
        Input: "x",
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
        DeadLetterConfig: { Arn: `${queue}-dlq` },
      },
    });
    expect(got.CreationDate).toEqual(new Date(clock.now()));

    await h.client.send(
      new UpdateScheduleCommand(
        schedule("nightly", { State: "DISABLED", ScheduleExpression: "rate(1 hour)" }),
      ),
    );
    const updated = await h.client.send(new GetScheduleCommand({ Name: "nightly" }));
    expect(updated).toMatchObject({ State: "DISABLED", ScheduleExpression: "rate(1 hour)" });
    // UpdateSchedule replaces the schedule: what it leaves out is gone.
    expect(updated.Description).toBeUndefined();
    expect(updated.ScheduleExpressionTimezone).toBeUndefined();

    await h.client.send(new DeleteScheduleCommand({ Name: "nightly" }));
    await expect(h.client.send(new GetScheduleCommand({ Name: "nightly" }))).rejects.toThrow(
      ResourceNotFoundException,
    );
  });

  it("answers a second create with ConflictException, a retried one (same ClientToken) with the same ARN", async () => {
    const first = await h.client.send(
      new CreateScheduleCommand(schedule("once", { ClientToken: "token-1" })),
    );
    const retried = await h.client.send(
      new CreateScheduleCommand(schedule("once", { ClientToken: "token-1" })),
    );
    expect(retried.ScheduleArn).toBe(first.ScheduleArn);
    const error = await h.client
      .send(new CreateScheduleCommand(schedule("once", { ClientToken: "token-2" })))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  it.each<[string, Partial<CreateScheduleCommandInput>]>([
    ["a bad expression", { ScheduleExpression: "rate(5 weeks)" }],
    ["an unknown time zone", { ScheduleExpressionTimezone: "Mars/Olympus" }],
    ["a flexible window without its width", { FlexibleTimeWindow: { Mode: "FLEXIBLE" } }],
    [
      "a window too wide",
      { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 1441 } },
    ],
    ["a role that is no role", { Target: { Arn: queue, RoleArn: "me" } }],
    [
      "too many retries",
      { Target: { Arn: queue, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } },
    ],
    [
      "an event age under a minute",
      { Target: { Arn: queue, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 59 } } },
    ],
    ["an unknown state", { State: "PAUSED" as never }],
    [
      "an end before the start",
      { StartDate: new Date("2027-01-02"), EndDate: new Date("2027-01-01") },
    ],
  ])("rejects %s with ValidationException and writes nothing", async (_, more) => {
    const error = await h.client
      .send(new CreateScheduleCommand(schedule("bad", more)))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBeTruthy();
    await expect(h.client.send(new GetScheduleCommand({ Name: "bad" }))).rejects.toThrow(
      ResourceNotFoundException,
    );
  });

  it("lists with NamePrefix, State, GroupName and pagination", async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: "listing" }));
    for (const n of ["l-a", "l-b", "l-c", "other"])
      await h.client.send(new CreateScheduleCommand(schedule(n, { GroupName: "listing" })));
    await h.client.send(
      new UpdateScheduleCommand(schedule("l-b", { GroupName: "listing", State: "DISABLED" })),
    );
    const names: string[] = [];
    for await (const page of paginateListSchedules(
      { client: h.client, pageSize: 2 },
      { GroupName: "listing", NamePrefix: "l-" },
    ))
      names.push(...page.Schedules!.map((s) => s.Name!));
    expect(names).toEqual(["l-a", "l-b", "l-c"]);
    const disabled = await h.client.send(
      new ListSchedulesCommand({ GroupName: "listing", State: "DISABLED" }),
    );
    expect(disabled.Schedules).toEqual([
      expect.objectContaining({
        Name: "l-b",
        GroupName: "listing",
        State: "DISABLED",
        Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/listing/l-b`,
        Target: { Arn: queue },
      }),
    ]);
    await expect(h.client.send(new ListSchedulesCommand({ NextToken: "forged" }))).rejects.toThrow(
      ValidationException,
    );
  });
});

describe("schedule groups", () => {
  it("has the default group, which cannot be deleted", async () => {
    const group = await h.client.send(new GetScheduleGroupCommand({ Name: "default" }));
    expect(group).toMatchObject({
      Name: "default",
      State: "ACTIVE",
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/default`,
    });
    await expect(
      h.client.send(new DeleteScheduleGroupCommand({ Name: "default" })),
    ).rejects.toThrow(ValidationException);
  });

  it("a schedule in a group that does not exist is ResourceNotFoundException", async () => {
    await expect(
      h.client.send(new CreateScheduleCommand(schedule("lost", { GroupName: "nowhere" }))),
    ).rejects.toThrow(ResourceNotFoundException);
  });

  it("deleting a group deletes its schedules", async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: "doomed" }));
    await h.client.send(new CreateScheduleCommand(schedule("inside", { GroupName: "doomed" })));
    const groups = await h.client.send(new ListScheduleGroupsCommand({ NamePrefix: "doo" }));
    expect(groups.ScheduleGroups!.map((g) => g.Name)).toEqual(["doomed"]);
    await h.client.send(new DeleteScheduleGroupCommand({ Name: "doomed" }));
    await expect(
      h.client.send(new GetScheduleCommand({ Name: "inside", GroupName: "doomed" })),
    ).rejects.toThrow(ResourceNotFoundException);
    await expect(h.client.send(new GetScheduleGroupCommand({ Name: "doomed" }))).rejects.toThrow(
      ResourceNotFoundException,
    );
    await expect(
      h.client.send(new CreateScheduleGroupCommand({ Name: "listing" })),
    ).rejects.toThrow(ConflictException);
  });
});

describe("IAM declarations", () => {
  it("authorises each operation as scheduler:<Operation> on the schedule or group ARN AWS names", async () => {
    const seen: Authorization[] = [];
    const server = await startAwsServer(
      createDispatcher({
        services: [schedulerService(() => h.scheduler, { region: REGION, accountId: ACCOUNT })],
        middleware: [
          (_request, authorization, next) => {
            seen.push(authorization);
            return next();
          },
        ],
      }),
    );
    const client = new SchedulerClient({
      endpoint: server.url,
      region: REGION,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    try {
      await client.send(new CreateScheduleGroupCommand({ Name: "iam" }));
      await client.send(new CreateScheduleCommand(schedule("declared", { GroupName: "iam" })));
      await client.send(new GetScheduleCommand({ Name: "declared", GroupName: "iam" }));
      await client.send(new ListSchedulesCommand({}));
      await client.send(new DeleteScheduleCommand({ Name: "declared", GroupName: "iam" }));
      await client.send(new DeleteScheduleGroupCommand({ Name: "iam" }));
    } finally {
      client.destroy();
      await server.close();
    }
    const base = `arn:aws:scheduler:${REGION}:${ACCOUNT}`;
    expect(seen).toEqual([
      { action: "scheduler:CreateScheduleGroup", resources: [`${base}:schedule-group/iam`] },
      { action: "scheduler:CreateSchedule", resources: [`${base}:schedule/iam/declared`] },
      { action: "scheduler:GetSchedule", resources: [`${base}:schedule/iam/declared`] },
      { action: "scheduler:ListSchedules", resources: ["*"] },
      { action: "scheduler:DeleteSchedule", resources: [`${base}:schedule/iam/declared`] },
      { action: "scheduler:DeleteScheduleGroup", resources: [`${base}:schedule-group/iam`] },
    ]);
  });
});
