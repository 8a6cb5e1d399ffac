// An EventBridge process for the SIGKILL test: `node --import tsx kill-child.ts <dataDir>`.
// Its deliveries never complete, so whatever PutEvents accepted is still pending when the
// parent kills it; prints `READY <port>` once listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createEventBridge, createEventBridgeListener } from "../../src/services/eventbridge";

const [dataDir] = process.argv.slice(2) as [string];
const never = () => new Promise<void>(() => {});
const eb = createEventBridge({
  dataDir,
  accountId: "012345679012",
  region: "us-east-1",
  deliver: { sqs: never, sns: never, stepFunctions: never, lambda: never },
});
const server = createServer(createEventBridgeListener(eb));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
