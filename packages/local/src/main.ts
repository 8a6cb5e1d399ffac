// `pnpm dev`: the whole system on this machine, no AWS account, no Docker.
// The console is built into <data>/console on start when missing or stale.
// Env: LOCAL_DATA_DIR (default <repo>/.data), LOCAL_WEB_PORT (3000),
// LOCAL_AWS_PORT (4566), LOCAL_INSPECT=1 (debugger on 127.0.0.1:9229, no timeouts).
import inspector from "node:inspector";
import { startLocalCloud } from "./cloud";
import { configFromEnv } from "./config";

const config = configFromEnv();
const started = Date.now();
if (config.inspect) {
  inspector.open(9229, "127.0.0.1");
  console.log(`local: debugger listening on ${inspector.url()} (handlers run without timeouts)`);
}

const cloud = await startLocalCloud({
  dataDir: config.dataDir,
  webPort: config.webPort,
  awsPort: config.awsPort,
  inspect: config.inspect,
  buildConsole: true,
  echoLogs: true,
  log: (line) => console.log(`local: ${line}`),
}).catch((error: Error) => {
  console.error(`local: failed to start: ${error.message}`);
  process.exit(1);
});

console.log(
  `local: ready in ${((Date.now() - started) / 1000).toFixed(1)} s — web ${cloud.urls.web.replace("127.0.0.1", "localhost")}  aws ${cloud.urls.aws.replace("127.0.0.1", "localhost")}  (data ${config.dataDir})`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`local: ${signal}, stopping…`);
    await cloud.stop();
    process.exit(0);
  });
}
