// A local cloud in a process of its own for the async-invocation SIGKILL test:
// `node --import tsx cloud/async-child.ts <dataDir> <recordFile>` prints
// `READY <awsUrl>`. AsyncRecorder's on-failure destination is the SQS queue
// AsyncRecorderFailures (created here; fauxqs keeps it across restarts).
import { join } from "node:path";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startLocalCloud } from "../../src/cloud";
import { fakeCredentials, REGION } from "../../src/config";

const [dataDir, recordFile] = process.argv.slice(2) as [string, string];
// A resumed invocation may fail for good before the queue's URL is known.
let destination!: (url: string) => void;
const destinationUrl = new Promise<string>((r) => {
  destination = r;
});
let sqs: SQSClient | undefined;
const cloud = await startLocalCloud({
  dataDir,
  webPort: 0,
  awsPort: 0,
  mappings: false,
  hotReload: false,
  extraFunctions: [
    {
      name: "AsyncRecorder",
      handler: join(import.meta.dirname, "../lambda/fixtures/async-recorder.handler"),
      timeoutSeconds: 10,
      memoryMb: 128,
      concurrency: 2,
      env: { RECORD_FILE: recordFile },
      onAsyncFailure: async (record) => {
        const QueueUrl = await destinationUrl;
        await sqs!.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(record) }));
      },
    },
  ],
});
sqs = new SQSClient({ endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials });
const created = await sqs.send(new CreateQueueCommand({ QueueName: "AsyncRecorderFailures" }));
destination(created.QueueUrl!);
process.stdout.write(`READY ${cloud.urls.aws}\n`);
