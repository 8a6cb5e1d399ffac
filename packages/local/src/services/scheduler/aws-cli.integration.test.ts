// Wire-protocol conformance: Debian's AWS CLI (botocore, sharing no code with the
// SDK tests) drives the local Scheduler over HTTP: groups, schedules, listing and
// AWS's error shape, as `aws scheduler …` parses them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsCli, awsCli } from "../../../test/aws-cli";
import {
  ACCOUNT,
  REGION,
  ROLE,
  type SchedulerHarness,
  startScheduler,
} from "../../../test/scheduler/test-harness";

let h: SchedulerHarness;
let cli: AwsCli;
beforeAll(async () => {
  h = await startScheduler({ deliver: { invoke: async () => {}, deadLetter: async () => {} } });
  cli = awsCli(() => h.endpoint, REGION);
});
afterAll(async () => {
  await h?.stop();
  cli?.close();
});

const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:payments`;

// The tests build on each other, in order; each CLI call starts a Python process.
describe("aws scheduler (AWS CLI against the local Scheduler)", { timeout: 120_000 }, () => {
  it("create-schedule-group and list-schedule-groups (with the default group)", async () => {
    const created = await cli.json<{ ScheduleGroupArn: string }>(
      "scheduler",
      "create-schedule-group",
      "--name",
      "orders",
    );
    expect(created.ScheduleGroupArn).toBe(
      `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/orders`,
    );
    const listed = await cli.json<{ ScheduleGroups: Array<{ Name: string; State: string }> }>(
      "scheduler",
      "list-schedule-groups",
    );
    expect(listed.ScheduleGroups.map((g) => [g.Name, g.State])).toEqual([
      ["default", "ACTIVE"],
      ["orders", "ACTIVE"],
    ]);
  });

  // Debian's awscli 2.9.19 predates ActionAfterCompletion (no --action-after-completion).
  it("create-schedule, get-schedule and list-schedules", async () => {
    const created = await cli.json<{ ScheduleArn: string }>(
      "scheduler",
      "create-schedule",
      "--name",
      "payment-deadline-o-1",
      "--group-name",
      "orders",
      "--schedule-expression",
      "at(2030-01-01T12:00:00)",
      "--schedule-expression-timezone",
      "Europe/Paris",
      "--flexible-time-window",
      '{"Mode":"OFF"}',
      "--target",
      JSON.stringify({ Arn: QUEUE, RoleArn: ROLE, Input: '{"orderId":"o-1"}' }),
    );
    expect(created.ScheduleArn).toBe(
      `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/orders/payment-deadline-o-1`,
    );
    const got = await cli.json<Record<string, unknown>>(
      "scheduler",
      "get-schedule",
      "--name",
      "payment-deadline-o-1",
      "--group-name",
      "orders",
    );
    expect(got).toMatchObject({
      Name: "payment-deadline-o-1",
      GroupName: "orders",
      ScheduleExpression: "at(2030-01-01T12:00:00)",
      ScheduleExpressionTimezone: "Europe/Paris",
      State: "ENABLED",
      Target: { Arn: QUEUE, RoleArn: ROLE, Input: '{"orderId":"o-1"}' },
    });
    // botocore renders the epoch-seconds timestamps as ISO dates.
    expect(String(got.CreationDate)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const listed = await cli.json<{ Schedules: Array<Record<string, unknown>> }>(
      "scheduler",
      "list-schedules",
      "--group-name",
      "orders",
    );
    expect(listed.Schedules).toEqual([
      expect.objectContaining({
        Name: "payment-deadline-o-1",
        GroupName: "orders",
        State: "ENABLED",
        Target: { Arn: QUEUE },
      }),
    ]);
  });

  it("answers a missing schedule with ResourceNotFoundException, a bad expression with ValidationException", async () => {
    const missing = await cli.run("scheduler", "get-schedule", "--name", "nope");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("(ResourceNotFoundException)");
    const invalid = await cli.run(
      "scheduler",
      "create-schedule",
      "--name",
      "bad",
      "--schedule-expression",
      "cron(0 12 * * *)",
      "--flexible-time-window",
      '{"Mode":"OFF"}',
      "--target",
      JSON.stringify({ Arn: QUEUE, RoleArn: ROLE }),
    );
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain("(ValidationException)");
    expect(invalid.stderr).toContain("Invalid Schedule Expression cron(0 12 * * *).");
  });

  it("delete-schedule and delete-schedule-group", async () => {
    await cli.json(
      "scheduler",
      "delete-schedule",
      "--name",
      "payment-deadline-o-1",
      "--group-name",
      "orders",
    );
    await cli.json("scheduler", "delete-schedule-group", "--name", "orders");
    const listed = await cli.json<{ Schedules: unknown[] }>("scheduler", "list-schedules");
    expect(listed.Schedules).toEqual([]);
  });
});
