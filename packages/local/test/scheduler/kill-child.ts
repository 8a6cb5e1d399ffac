// A Scheduler process for the SIGKILL test: `node --import tsx kill-child.ts <dataDir>`.
// Its invocations never complete (it prints `INVOKED <arn>` when one starts), so a
// schedule it fired is still pending when the parent kills it; prints `READY <port>`.
import { createScheduler, schedulerService } from "../../src/services/scheduler";
import { serveAwsServices } from "../aws-server";

const [dataDir] = process.argv.slice(2) as [string];
const never = () => new Promise<void>(() => {});
const scheduler = createScheduler({
  dataDir,
  accountId: "012345679012",
  region: "us-east-1",
  pollMs: 50,
  deliver: {
    invoke: (_target, _input, context) => {
      process.stdout.write(`INVOKED ${context.scheduleArn}\n`);
      return never();
    },
    deadLetter: never,
  },
});
const server = await serveAwsServices([
  schedulerService(() => scheduler, { region: "us-east-1", accountId: "012345679012" }),
]);
process.stdout.write(`READY ${server.port}\n`);
