import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials, REGION } from "../config";
import { type SqsSnsEngine, startSqsSns } from "./sqs-sns";

// The two defects patches/fauxqs@2.4.1.patch mends, shown through the SDK
// against a persisted fauxqs as the local cloud runs it. (Its third change,
// SQLite's synchronous = NORMAL, is a connection setting: nothing to see here.)
describe("fauxqs as patched", () => {
  let dataDir: string;
  let engine: SqsSnsEngine;
  let sqs: SQSClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "fauxqs-patch-"));
    engine = await startSqsSns({ dataDir });
    sqs = new SQSClient({
      endpoint: engine.endpoint,
      region: REGION,
      credentials: fakeCredentials,
    });
  });
  afterAll(async () => {
    sqs?.destroy();
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const queue = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;

  it("makes a message visible again on ChangeMessageVisibility 0, keeping its receive count", async () => {
    const url = await queue("visibility-zero");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello" }));
    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 300, WaitTimeSeconds: 1 }),
    );
    const message = first.Messages![0]!;
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: message.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
    const again = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    expect(again.Messages?.map((m) => m.Body)).toEqual(["hello"]);
    expect(again.Messages![0]!.Attributes?.ApproximateReceiveCount).toBe("2");
  });

  it("counts a message whose visibility timeout expired as visible, before any receive", async () => {
    const url = await queue("expired-visibility");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "peeked" }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }));
    const deadline = Date.now() + 10_000;
    let visible = "0";
    while (visible !== "1" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      visible = attributes.Attributes?.ApproximateNumberOfMessages ?? "0";
    }
    expect(visible).toBe("1");
  });
});
