import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { app, detailTypes } from "@orders/core/topology";
import { iamSignedFetch } from "@orders/functions/lib/signed-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsCli, awsCli } from "../test/aws-cli";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { physicalQueueUrl } from "./cloud/names";
import { REGION } from "./config";
import { deployment, type GraphResource } from "./graph";

// Issue 19's proofs on the whole local cloud: what the synthesized graph
// grants is what the :4566 endpoint allows. Each test runs the cloud on a copy
// of the graph with one grant taken away, and sees what AWS would answer.

const names = deployment();
const saga = names.stateMachine;
const clone = (): GraphResource[] => structuredClone(names.resources);
const as = (accessKeyId: string) => ({
  endpoint: "",
  region: REGION,
  credentials: { accessKeyId, secretAccessKey: "any" },
  maxAttempts: 1,
});

type Statement = { Action?: string | string[]; Effect: string };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? ""]);

/** The graph with the statements of a role's inline policy that grant `action` removed. */
function withoutGrant(resources: GraphResource[], roleArn: string, action: string) {
  const role = resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs.arn === roleArn);
  if (!role) throw new Error(`no role ${roleArn} in the graph`);
  let removed = 0;
  for (const inline of role.inputs.inlinePolicies ?? []) {
    const doc = JSON.parse(inline.policy) as { Statement: Statement[] };
    const kept = doc.Statement.filter((s) => !actionsOf(s).includes(action));
    removed += doc.Statement.length - kept.length;
    inline.policy = JSON.stringify({ ...doc, Statement: kept });
  }
  if (removed !== 1) throw new Error(`expected one statement granting ${action}, found ${removed}`);
  return resources;
}

async function startWith(resources: GraphResource[], dir: string) {
  return startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    mappings: false,
    prewarm: false,
    hotReload: false,
    iam: { graph: resources },
    log: () => {},
  });
}

describe("a grant removed from the graph is denied as AWS denies it", () => {
  let dir: string;
  let cloud: LocalCloud;
  let cli: AwsCli;
  const admin = names.functions.AdminApi;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "iam-removed-"));
    cloud = await startWith(withoutGrant(clone(), admin.roleArn, "states:ListExecutions"), dir);
    cli = awsCli(() => cloud.urls.aws, REGION, "fnAdminApi");
  });
  afterAll(async () => {
    cli?.close();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const message =
    `User: arn:aws:sts::000000000000:assumed-role/${admin.roleName}/${admin.name} ` +
    `is not authorized to perform: states:ListExecutions on resource: ${saga.arn} ` +
    "because no identity-based policy allows the states:ListExecutions action";

  it("through the AWS SDK", async () => {
    const sfn = new SFNClient({ ...as("fnAdminApi"), endpoint: cloud.urls.aws });
    const error = await sfn.send(new ListExecutionsCommand({ stateMachineArn: saga.arn })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe("AccessDeniedException");
    expect(error?.message).toBe(message);
    sfn.destroy();
  });

  it("through the AWS CLI", async () => {
    const out = await cli.run("stepfunctions", "list-executions", "--state-machine-arn", saga.arn);
    expect(out.code).not.toBe(0);
    expect(out.stderr.trim()).toBe(
      // The CLI's own framing (it makes one attempt: AWS_MAX_ATTEMPTS=1), then AWS's message.
      "An error occurred (AccessDeniedException) when calling the ListExecutions operation " +
        `(reached max retries: 0): ${message}`,
    );
  });
});

describe("the deployed graph", () => {
  let dir: string;
  let cloud: LocalCloud;
  const cli = (key: string) => awsCli(() => cloud.urls.aws, REGION, key);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "iam-graph-"));
    cloud = await startWith(clone(), dir);
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets the admin API and the account's administrator list the saga's executions, not the notifier", async () => {
    for (const [key, allowed] of [
      ["fnNotifier", false],
      ["fnAdminApi", true],
      ["AKIAEXAMPLEOPERATOR", true],
    ] as const) {
      const aws = cli(key);
      try {
        const out = await aws.run(
          "stepfunctions",
          "list-executions",
          "--state-machine-arn",
          saga.arn,
        );
        if (allowed) expect(out, key).toMatchObject({ code: 0 });
        else {
          expect(out.code, key).not.toBe(0);
          expect(out.stderr, key).toContain(
            "An error occurred (AccessDeniedException) when calling the ListExecutions operation " +
              "(reached max retries: 0): User: arn:aws:sts::000000000000:assumed-role/" +
              `${names.functions.Notifier.roleName}/${names.functions.Notifier.name} is not authorized`,
          );
        }
      } finally {
        aws.close();
      }
    }
  });

  it("lets only the functions granted it call a sandbox provider's function URL (IAM auth)", async () => {
    const ledger = `${cloud.urls.paymentProvider}/v1/ledger?orderId=IAM-URL`;
    const as = (key: string) =>
      iamSignedFetch({ AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: "any", AWS_REGION: REGION });
    const unsigned = await fetch(ledger);
    expect([unsigned.status, await unsigned.json()]).toEqual([403, { Message: "Forbidden" }]);
    // The notifier calls the notification provider, never the payment provider.
    expect((await as("fnNotifier")(ledger)).status).toBe(403);
    expect((await as("fnPaymentWorker")(ledger)).status).toBe(200);
    expect((await as("AKIAEXAMPLEOPERATOR")(ledger)).status).toBe(200);
  });
});

describe("queue policies without the rule's or the topic's ARN", () => {
  let dir: string;
  let cloud: LocalCloud;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "iam-queue-policy-"));
    const resources = clone();
    const policy = resources.find(
      (r) =>
        r.type === "aws:sqs/queuePolicy:QueuePolicy" &&
        String(r.inputs.policy).includes(names.queues.PaymentQueue.arn),
    );
    if (!policy) throw new Error("no queue policy on the payment queue in the graph");
    // The policy names another rule: EventBridge, for OrderPlacedToPayment, is not allowed.
    policy.inputs.policy = String(policy.inputs.policy).replaceAll(
      names.rules.OrderPlacedToPayment.arn,
      names.rules.OrderPlacedToSaga.arn,
    );
    // And the email queue's policy names no topic of ours: SNS may not send to it.
    const email = resources.find(
      (r) =>
        r.type === "aws:sqs/queuePolicy:QueuePolicy" &&
        String(r.inputs.policy).includes(names.queues.EmailQueue.arn),
    );
    if (!email) throw new Error("no queue policy on the email queue in the graph");
    email.inputs.policy = String(email.inputs.policy).replaceAll(
      names.topics.NotificationsTopic.arn,
      `${names.topics.NotificationsTopic.arn}-elsewhere`,
    );
    cloud = await startWith(resources, dir);
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("drops the topic's deliveries to a queue whose policy does not name it, and delivers the rest", async () => {
    const config = { ...as("AKIAEXAMPLEOPERATOR"), endpoint: cloud.urls.aws };
    const sns = new SNSClient(config);
    const sqs = new SQSClient(config);
    const orderId = `IAM-SNS-${Date.now().toString(36)}`;
    // Both channels' filters match a fulfilled order (FilterPolicyScope: MessageBody).
    await sns.send(
      new PublishCommand({
        TopicArn: names.topics.NotificationsTopic.arn,
        Message: JSON.stringify({
          "detail-type": detailTypes.OrderStatusChanged,
          detail: { orderId, status: "FULFILLED" },
        }),
      }),
    );
    const receive = async (queue: "EmailQueue" | "SmsQueue") =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: physicalQueueUrl(cloud.urls.aws, names.queues[queue].name),
            WaitTimeSeconds: 1,
          }),
        )
      ).Messages?.filter((m) => m.Body?.includes(orderId)) ?? [];
    expect(await receive("SmsQueue")).toHaveLength(1);
    expect(await receive("EmailQueue")).toEqual([]);
    sns.destroy();
    sqs.destroy();
  });

  it("sends the rule's deliveries to its DLQ with NO_PERMISSIONS, as AWS does, and nothing to the queue", async () => {
    const config = { ...as("AKIAEXAMPLEOPERATOR"), endpoint: cloud.urls.aws };
    const events = new EventBridgeClient(config);
    const sqs = new SQSClient(config);
    const orderId = `IAM-${Date.now().toString(36)}`;
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: names.bus.name,
            Source: app.eventSource,
            DetailType: detailTypes.OrderPlaced,
            Detail: JSON.stringify({ orderId, correlationId: orderId }),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const dlqUrl = physicalQueueUrl(cloud.urls.aws, names.queues.PaymentRuleDlq.name);
    let attributes: Record<string, string | undefined> | undefined;
    for (let i = 0; i < 30 && !attributes; i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MessageAttributeNames: ["All"],
          WaitTimeSeconds: 1,
        }),
      );
      const message = out.Messages?.find((m) => m.Body?.includes(orderId));
      if (message)
        attributes = Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
        );
    }
    expect(attributes).toMatchObject({
      ERROR_CODE: "NO_PERMISSIONS",
      RULE_ARN: names.rules.OrderPlacedToPayment.arn,
      TARGET_ARN: names.queues.PaymentQueue.arn,
    });
    // Permission errors are not retried (AWS: "Using dead-letter queues…", rule-dlq.html).
    expect(attributes?.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
    const queued = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: physicalQueueUrl(cloud.urls.aws, names.queues.PaymentQueue.name),
        WaitTimeSeconds: 1,
      }),
    );
    expect(queued.Messages ?? []).toEqual([]);
    events.destroy();
    sqs.destroy();
  });
});
