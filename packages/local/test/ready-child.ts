import { type ChildProcess, spawn } from "node:child_process";

// A service in a child process (for kill -9 tests): `node --import tsx
// <script> <args>`, which prints `READY <port>` once its server listens.
export async function startReadyChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
  });
  return { child, port };
}
