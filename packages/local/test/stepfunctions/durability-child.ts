// A Step Functions process for the SIGKILL test: `node --import tsx durability-child.ts
// <dataDir> <logFile> <first|second>`; prints `READY <port>` once listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createStepFunctions, createStepFunctionsListener } from "../../src/services/stepfunctions";
import { scenarioIntegrations } from "./durability-fixture";

const [dataDir, logFile, life] = process.argv.slice(2) as [string, string, string];
const sfn = createStepFunctions({
  dataDir,
  accountId: "000000000000",
  region: "us-east-1",
  integrations: scenarioIntegrations(logFile, life === "first"),
});
const server = createServer(createStepFunctionsListener(sfn));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
