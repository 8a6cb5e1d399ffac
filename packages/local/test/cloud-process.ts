// A local cloud in a child process, for the soak and for tests that SIGKILL it
// and start it again on the same data (env: see cloud-child.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

export interface CloudProcess {
  child: ChildProcess;
  urls: { web: string; aws: string; paymentProvider: string; notificationProvider: string };
}

/** A local cloud as a child process (cloud-child.ts), so it can be SIGKILLed; env as cloud-child.ts reads it. */
export async function startCloud(
  env: NodeJS.ProcessEnv,
  log: (l: string) => void,
): Promise<CloudProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "cloud-child.ts")],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    errors.push(line);
    if (errors.length > 50) errors.shift();
    if (/chaos mode|failed|Error/.test(line)) log(line);
  });
  const urls = await new Promise<CloudProcess["urls"]>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`local cloud not ready in 120 s:\n${errors.join("\n")}`)),
      120_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`local cloud exited (${code}):\n${errors.join("\n")}`));
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("READY ")) {
        clearTimeout(timer);
        done(JSON.parse(line.slice(6)));
      }
    });
  });
  return { child, urls };
}

export async function stopCloud(cloud: CloudProcess, signal: "SIGKILL" | "SIGTERM") {
  if (cloud.child.exitCode !== null || cloud.child.signalCode !== null) return;
  const exited = new Promise((r) => cloud.child.once("exit", r));
  cloud.child.kill(signal);
  await exited;
}
