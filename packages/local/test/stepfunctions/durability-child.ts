// A Step Functions process for the SIGKILL test: `node --import tsx durability-child.ts
// <dataDir> <logFile> <first|second>`; prints `READY <port>` once listening.
import { createStepFunctions, stepFunctionsService } from "../../src/services/stepfunctions";
import { serveAwsServices } from "../aws-server";
import { scenarioIntegrations } from "./durability-fixture";

const [dataDir, logFile, life] = process.argv.slice(2) as [string, string, string];
const sfn = createStepFunctions({
  dataDir,
  accountId: "000000000000",
  region: "us-east-1",
  integrations: scenarioIntegrations(logFile, life === "first"),
});
const server = await serveAwsServices([
  stepFunctionsService(() => sfn, { region: "us-east-1", accountId: "000000000000" }),
]);
process.stdout.write(`READY ${server.port}\n`);
