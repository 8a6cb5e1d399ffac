// A Pipes process for the SIGKILL test: `node --import tsx kill-child.ts <dataDir> <endpoint>`.
// Its pipes read and deliver through `endpoint` (the test's harness); prints
// `READY <port>` once its own API listens.
import { ACCOUNT_ID, REGION } from "../../src/config";
import { compilePattern } from "../../src/services/eventbridge";
import { createAwsPipeIo, createPipes, pipesService } from "../../src/services/pipes";
import { serveAwsServices } from "../aws-server";

const [dataDir, endpoint] = process.argv.slice(2) as [string, string];
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const pipes = createPipes({
  dataDir,
  accountId: ACCOUNT_ID,
  region: REGION,
  io: createAwsPipeIo({ endpoint, region: REGION, credentials: () => credentials }),
  compilePattern,
  pollIntervalMs: 20,
  queueWaitSeconds: 1,
  onError: () => {},
});
const server = await serveAwsServices([
  pipesService(() => pipes, { region: REGION, accountId: ACCOUNT_ID }),
]);
process.stdout.write(`READY ${server.port}\n`);
