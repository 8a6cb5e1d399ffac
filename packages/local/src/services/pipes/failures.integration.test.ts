// What a pipe does when its target fails, when records are too old, and when
// its process is killed: AUTOMATIC_BISECT isolates the bad record, the DLQ gets
// the batch's location, a SIGKILL loses neither the pipe nor its checkpoint.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreatePipeCommand,
  DescribePipeCommand,
  PipesClient,
  StartPipeCommand,
  StopPipeCommand,
} from "@aws-sdk/client-pipes";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT_ID,
  eventually,
  type PipesHarness,
  ROLE,
  startPipesHarness,
} from "../../../test/pipes/harness";
import { startReadyChild } from "../../../test/ready-child";

let h: PipesHarness;
beforeAll(async () => {
  h = await startPipesHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${name}`;
const settled = (client: PipesClient, name: string, state: string) =>
  eventually(async () => {
    const p = await client.send(new DescribePipeCommand({ Name: name }));
    return p.CurrentState === state ? p : undefined;
  });
async function receive(url: string, n: number) {
  const got: string[] = [];
  await eventually(async () => {
    got.push(...(await h.drain(url)).map((m) => m.Body!));
    return got.length >= n ? true : undefined;
  });
  return got;
}
const keysOf = (batch: unknown) =>
  (batch as Array<{ dynamodb: { Keys: { pk: { S: string } } } }>).map((r) => r.dynamodb.Keys.pk.S);

describe("a DynamoDB stream pipe's failures", () => {
  it("halves a failing batch (AUTOMATIC_BISECT) until the bad record is alone, and dead-letters only it", async () => {
    const stream = await h.createStreamTable("bisect");
    const dlq = await h.createQueue("bisect-dlq");
    const delivered: string[][] = [];
    h.functions.set("rejects-bad", (batch) => {
      if (keysOf(batch).includes("bad")) throw new Error("bad record");
      delivered.push(keysOf(batch));
      return {};
    });
    await h.client.send(
      new CreatePipeCommand({
        Name: "bisect",
        Source: stream,
        DesiredState: "STOPPED",
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: "TRIM_HORIZON",
            BatchSize: 4,
            MaximumRetryAttempts: 2,
            OnPartialBatchItemFailure: "AUTOMATIC_BISECT",
            DeadLetterConfig: { Arn: dlq.arn },
          },
        },
        Target: fnArn("rejects-bad"),
        TargetParameters: { LambdaFunctionParameters: { InvocationType: "REQUEST_RESPONSE" } },
        RoleArn: ROLE,
      }),
    );
    await settled(h.client, "bisect", "STOPPED");
    for (const pk of ["a", "b", "bad", "d"])
      await h.dynamodb.send(new PutItemCommand({ TableName: "bisect", Item: { pk: { S: pk } } }));
    await h.client.send(new StartPipeCommand({ Name: "bisect" }));
    const [body] = await receive(dlq.url, 1);
    const record = JSON.parse(body!);
    expect(record.requestContext.condition).toBe("RetryAttemptsExhausted");
    expect(record.DDBStreamBatchInfo.batchSize).toBe(1);
    await eventually(async () => (delivered.flat().includes("d") ? true : undefined));
    // [a b bad d] fails, [a b] passes, [bad d] fails, [bad] fails out of retries, [d] passes.
    expect(delivered).toEqual([["a", "b"], ["d"]]);
    expect(h.calls.get("rejects-bad")!.map(keysOf)).toEqual([
      ["a", "b", "bad", "d"],
      ["a", "b"],
      ["bad", "d"],
      ["bad"],
      ["d"],
    ]);
    await h.client.send(new StopPipeCommand({ Name: "bisect" }));
  });

  it("sends records older than MaximumRecordAgeInSeconds to the DLQ without calling the target", async () => {
    const stream = await h.createStreamTable("aged");
    const dlq = await h.createQueue("aged-dlq");
    h.functions.set("aged-target", () => ({}));
    await h.client.send(
      new CreatePipeCommand({
        Name: "aged",
        Source: stream,
        DesiredState: "STOPPED",
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: "TRIM_HORIZON",
            MaximumRecordAgeInSeconds: 60,
            DeadLetterConfig: { Arn: dlq.arn },
          },
        },
        Target: fnArn("aged-target"),
        RoleArn: ROLE,
      }),
    );
    await settled(h.client, "aged", "STOPPED");
    await h.dynamodb.send(new PutItemCommand({ TableName: "aged", Item: { pk: { S: "old" } } }));
    // The pipe's clock says the record is two minutes old by the time it is read.
    h.clock.aheadMs = 120_000;
    try {
      await h.client.send(new StartPipeCommand({ Name: "aged" }));
      const [body] = await receive(dlq.url, 1);
      expect(JSON.parse(body!).requestContext.condition).toBe("RecordAgeExceeded");
      expect(h.calls.get("aged-target")).toBeUndefined();
    } finally {
      h.clock.aheadMs = 0;
      await h.client.send(new StopPipeCommand({ Name: "aged" }));
    }
  });
});

describe("Step Functions and Lambda targets", () => {
  it("starts one execution per batch with the batch as a JSON array (FIRE_AND_FORGET)", async () => {
    const sfn = new SFNClient({
      endpoint: h.url,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: "from-pipe",
          roleArn: ROLE,
          definition: JSON.stringify({
            StartAt: "Done",
            States: { Done: { Type: "Pass", End: true } },
          }),
        }),
      );
      const source = await h.createQueue("to-sfn");
      await h.client.send(
        new CreatePipeCommand({
          Name: "to-sfn",
          Source: source.arn,
          Target: stateMachineArn,
          TargetParameters: {
            StepFunctionStateMachineParameters: { InvocationType: "FIRE_AND_FORGET" },
            InputTemplate: '{"order": "<$.body>"}',
          },
          RoleArn: ROLE,
        }),
      );
      await settled(h.client, "to-sfn", "RUNNING");
      await h.sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "o-9" }));
      const execution = await eventually(async () => {
        const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
        return out.executions?.[0];
      });
      const described = await sfn.send(
        new DescribeExecutionCommand({ executionArn: execution.executionArn }),
      );
      expect(JSON.parse(described.input!)).toEqual([{ order: "o-9" }]);
      await h.client.send(new StopPipeCommand({ Name: "to-sfn" }));
    } finally {
      sfn.destroy();
    }
  });

  it("invokes a Lambda target asynchronously with FIRE_AND_FORGET", async () => {
    const source = await h.createQueue("to-lambda");
    h.functions.set("async-target", () => ({}));
    await h.client.send(
      new CreatePipeCommand({
        Name: "to-lambda",
        Source: source.arn,
        Target: fnArn("async-target"),
        TargetParameters: { LambdaFunctionParameters: { InvocationType: "FIRE_AND_FORGET" } },
        RoleArn: ROLE,
      }),
    );
    await settled(h.client, "to-lambda", "RUNNING");
    await h.sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "hello" }));
    const [batch] = await eventually(async () => h.calls.get("async-target"));
    expect((batch as Array<{ body: string; eventSource: string }>)[0]).toMatchObject({
      body: "hello",
      eventSource: "aws:sqs",
      eventSourceARN: source.arn,
    });
    await h.client.send(new StopPipeCommand({ Name: "to-lambda" }));
  });
});

describe("a SIGKILLed Pipes process", () => {
  it("leaves its pipes and checkpoints to the next process, which resumes after the last record handled", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pipes-kill-"));
    const stream = await h.createStreamTable("killed");
    const out = await h.createQueue("killed-out");
    const { child, port } = await startReadyChild(
      join(import.meta.dirname, "../../../test/pipes/kill-child.ts"),
      [dataDir, h.url],
    );
    const client = new PipesClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
    const put = (pk: string) =>
      h.dynamodb.send(new PutItemCommand({ TableName: "killed", Item: { pk: { S: pk } } }));
    try {
      await client.send(
        new CreatePipeCommand({
          Name: "killed",
          Source: stream,
          SourceParameters: { DynamoDBStreamParameters: { StartingPosition: "TRIM_HORIZON" } },
          Target: out.arn,
          TargetParameters: { InputTemplate: "<$.dynamodb.Keys.pk.S>" },
          RoleArn: ROLE,
        }),
      );
      await settled(client, "killed", "RUNNING");
      await put("before");
      expect(await receive(out.url, 1)).toEqual(["before"]);
      // Killed once the record's checkpoint is committed (read from the outside, as a reader of the WAL).
      const db = new DatabaseSync(join(dataDir, "pipes.sqlite"), { readOnly: true });
      try {
        await eventually(async () =>
          db
            .prepare(
              "SELECT 1 FROM checkpoints WHERE pipe = 'killed' AND sequence_number IS NOT NULL",
            )
            .get()
            ? true
            : undefined,
        );
      } finally {
        db.close();
      }
    } finally {
      client.destroy();
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
    const pipes = h.openPipes(dataDir);
    try {
      await put("after");
      // The pipe runs again, from its checkpoint: "before" is not read a second time.
      expect(await receive(out.url, 1)).toEqual(["after"]);
    } finally {
      await pipes.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
