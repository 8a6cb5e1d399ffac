// A local cloud as a child process that can be SIGKILLed (the soak's and tests'):
//   node --import tsx cloud-child.ts  (env: SOAK_DATA_DIR, SOAK_WEB_PORT, SOAK_AWS_PORT,
//                                      SOAK_APPROVAL_TIMEOUT_SECONDS,
//                                      SOAK_VISIBILITY_TIMEOUT_SECONDS, LOCAL_CHAOS)
// Prints `READY <json urls>` once healthy; the saga waits only
// SOAK_APPROVAL_TIMEOUT_SECONDS for an operator.
import { startLocalCloud } from "../src/cloud";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`soak-cloud: ${name} is not set`);
  return value;
};

const timeout = Number(process.env.SOAK_APPROVAL_TIMEOUT_SECONDS ?? 0);
const visibility = Number(process.env.SOAK_VISIBILITY_TIMEOUT_SECONDS || 0);
const cloud = await startLocalCloud({
  dataDir: env("SOAK_DATA_DIR"),
  webPort: Number(env("SOAK_WEB_PORT")),
  awsPort: Number(env("SOAK_AWS_PORT")),
  hotReload: false,
  // Rendered into the saga at provisioning, before any delivery resumes after a
  // restart: shortening it afterwards left a window in which a resumed
  // StartExecution got the 24 h definition and its approval never expired.
  ...(timeout > 0 ? { approvalTimeoutSeconds: timeout } : {}),
  ...(visibility > 0 ? { visibilityTimeoutSeconds: visibility } : {}),
  log: (line) => process.stderr.write(`cloud: ${line}\n`),
});
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
