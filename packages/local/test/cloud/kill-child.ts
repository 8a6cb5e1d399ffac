// A local cloud in a process of its own for the SIGKILL test:
// `node --import tsx cloud/kill-child.ts <dataDir> <recordFile>` prints `READY <awsUrl>`.
import { join } from "node:path";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startLocalCloud } from "../../src/cloud";
import { fakeCredentials, REGION } from "../../src/config";

const [dataDir, recordFile] = process.argv.slice(2) as [string, string];
const cloud = await startLocalCloud({
  dataDir,
  webPort: 0,
  awsPort: 0,
  mappings: false,
  hotReload: false,
  extraFunctions: [
    {
      name: "Recorder",
      handler: join(import.meta.dirname, "../lambda/fixtures/recorder.handler"),
      timeoutSeconds: 10,
      memoryMb: 128,
      concurrency: 2,
      env: { RECORD_FILE: recordFile },
    },
  ],
});
const sqs = new SQSClient({
  endpoint: cloud.urls.aws,
  region: REGION,
  credentials: fakeCredentials,
});
await sqs.send(
  new CreateQueueCommand({ QueueName: "KillTest", Attributes: { VisibilityTimeout: "3" } }),
);
cloud.addSqsMapping({
  queueName: "KillTest",
  functionName: "Recorder",
  batchSize: 5,
  maxConcurrency: 2,
  waitTimeSeconds: 1,
});
process.stdout.write(`READY ${cloud.urls.aws}\n`);
