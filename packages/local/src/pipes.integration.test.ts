// EventBridge Pipes on the whole local cloud's :4566 endpoint: the SDK and
// Debian's CLI manage pipes, and a pipe reads and delivers as its RoleArn, so
// the graph's policies of that role decide, as on AWS.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreatePipeCommand, DescribePipeCommand, PipesClient } from "@aws-sdk/client-pipes";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AwsCli, awsCli } from "../test/aws-cli";
import { type LocalCloud, startLocalCloud } from "./cloud";
import { REGION } from "./config";
import { deployment } from "./graph";

const admin = {
  region: REGION,
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  maxAttempts: 1,
};
let dir: string;
let cloud: LocalCloud;
let cli: AwsCli;
let pipes: PipesClient;
let sqs: SQSClient;
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pipes-cloud-"));
  cloud = await startLocalCloud({
    dataDir: dir,
    webPort: 0,
    awsPort: 0,
    mappings: false,
    prewarm: false,
    hotReload: false,
    log: (line) => logLines.push(line),
  });
  cli = awsCli(() => cloud.urls.aws, REGION);
  pipes = new PipesClient({ ...admin, endpoint: cloud.urls.aws });
  sqs = new SQSClient({ ...admin, endpoint: cloud.urls.aws });
}, 180_000);
afterAll(async () => {
  cli?.close();
  pipes?.destroy();
  sqs?.destroy();
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function queue(name: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not reached");
}

it("runs a pipe the CLI lists and describes, delivering as its role", async () => {
  const source = await queue("cloud-pipe-source");
  const target = await queue("cloud-pipe-target");
  // A role the graph does not have is the account's administrator locally.
  const role = "arn:aws:iam::000000000000:role/local-pipe-role";
  await pipes.send(
    new CreatePipeCommand({
      Name: "cloud-pipe",
      Source: source.arn,
      Target: target.arn,
      TargetParameters: { InputTemplate: "<$.body>" },
      RoleArn: role,
    }),
  );
  await until(async () => {
    const p = await pipes.send(new DescribePipeCommand({ Name: "cloud-pipe" }));
    return p.CurrentState === "RUNNING" ? true : undefined;
  });
  const listed = await cli.json<{ Pipes: Array<{ Name: string; CurrentState: string }> }>(
    "pipes",
    "list-pipes",
  );
  expect(listed.Pipes).toContainEqual(
    expect.objectContaining({ Name: "cloud-pipe", CurrentState: "RUNNING" }),
  );
  expect(await cli.json("pipes", "describe-pipe", "--name", "cloud-pipe")).toMatchObject({
    Source: source.arn,
    Target: target.arn,
    RoleArn: role,
  });
  await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "hello" }));
  const body = await until(async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: target.url, WaitTimeSeconds: 1 }),
    );
    return out.Messages?.[0]?.Body;
  });
  expect(body).toBe("hello");
});

it("is refused what its role's policies do not grant: the saga's role may not read the queue", async () => {
  const source = await queue("cloud-denied-source");
  const target = await queue("cloud-denied-target");
  await pipes.send(
    new CreatePipeCommand({
      Name: "cloud-denied",
      Source: source.arn,
      Target: target.arn,
      RoleArn: deployment().stateMachine.roleArn,
    }),
  );
  const denial = await until(async () =>
    logLines.find((l) => l.startsWith("pipes: cloud-denied:") && /not authorized/.test(l)),
  );
  expect(denial).toMatch(/sqs:receivemessage/i);
  // DescribePipe says why, as AWS's StateReason does.
  const described = await until(async () => {
    const p = await pipes.send(new DescribePipeCommand({ Name: "cloud-denied" }));
    return p.StateReason ? p : undefined;
  });
  expect(described.StateReason).toMatch(
    /^Cannot read the source: AccessDenied.*not authorized.*sqs:receivemessage/i,
  );
});
