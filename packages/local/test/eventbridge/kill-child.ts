// An EventBridge process for the SIGKILL test: `node --import tsx kill-child.ts <dataDir>`.
// Its deliveries never complete, so whatever PutEvents accepted is still pending when the
// parent kills it; prints `READY <port>` once listening.
import { createEventBridge, eventBridgeService } from "../../src/services/eventbridge";
import { serveAwsServices } from "../aws-server";

const [dataDir] = process.argv.slice(2) as [string];
const never = () => new Promise<void>(() => {});
const eb = createEventBridge({
  dataDir,
  accountId: "012345679012",
  region: "us-east-1",
  deliver: { sqs: never, sns: never, stepFunctions: never, lambda: never },
});
const server = await serveAwsServices([
  eventBridgeService(() => eb, { region: "us-east-1", accountId: "012345679012" }),
]);
process.stdout.write(`READY ${server.port}\n`);
