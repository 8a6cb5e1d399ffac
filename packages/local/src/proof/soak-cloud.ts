// The soak's local cloud, as a child process it can SIGKILL:
//   node --import tsx soak-cloud.ts   (env: SOAK_DATA_DIR, SOAK_WEB_PORT, SOAK_AWS_PORT,
//                                      SOAK_APPROVAL_TIMEOUT_SECONDS, LOCAL_CHAOS)
// Prints `READY <json urls>` once healthy and the saga waits only
// SOAK_APPROVAL_TIMEOUT_SECONDS for an operator (re-applied on every start,
// because provisioning restores the topology's definition).
import {
  DescribeStateMachineCommand,
  SFNClient,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { startLocalCloud } from "../cloud";
import { arns, sagaName } from "../cloud/names";
import { fakeCredentials, REGION } from "../config";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`soak-cloud: ${name} is not set`);
  return value;
};

/** The saga's approval wait shortened to `seconds` (both the Task timeout and the message's deadline). */
export async function shortenApprovalTimeout(awsUrl: string, seconds: number) {
  const sfn = new SFNClient({ endpoint: awsUrl, region: REGION, credentials: fakeCredentials });
  try {
    const stateMachineArn = arns.stateMachine(sagaName);
    const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const asl = JSON.parse(definition!) as {
      States: Record<
        string,
        { TimeoutSeconds?: number; Parameters?: { MessageBody?: Record<string, unknown> } }
      >;
    };
    const wait = asl.States.AwaitApproval!;
    wait.TimeoutSeconds = seconds;
    wait.Parameters!.MessageBody!.timeoutSeconds = seconds;
    await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn,
        definition: JSON.stringify(asl),
        roleArn: arns.role("FulfillmentSagaRole"),
      }),
    );
  } finally {
    sfn.destroy();
  }
}

const cloud = await startLocalCloud({
  dataDir: env("SOAK_DATA_DIR"),
  webPort: Number(env("SOAK_WEB_PORT")),
  awsPort: Number(env("SOAK_AWS_PORT")),
  hotReload: false,
  log: (line) => process.stderr.write(`cloud: ${line}\n`),
});
const timeout = Number(process.env.SOAK_APPROVAL_TIMEOUT_SECONDS ?? 0);
if (timeout > 0) await shortenApprovalTimeout(cloud.urls.aws, timeout);
for (let i = 0; i < 600; i++) {
  if ((await cloud.health()).ready) break;
  await new Promise((r) => setTimeout(r, 100));
}
process.stdout.write(`READY ${JSON.stringify(cloud.urls)}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await cloud.stop();
    process.exit(0);
  });
}
