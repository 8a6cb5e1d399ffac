import { existsSync } from "node:fs";
import { resolve } from "node:path";

// Settings of the local cloud that are not topology: where data lives, which
// loopback ports it serves, the fake account. Every value can be overridden
// by an env var (for `pnpm dev`) or an option of startLocalCloud (for tests).

export const ACCOUNT_ID = "000000000000";
export const REGION = "us-east-1";
export const STAGE = "local";
/** Everything binds here: nothing of the local cloud is reachable from another machine. */
export const LOOPBACK = "127.0.0.1";

/** The repository root (the folder holding pnpm-workspace.yaml). */
export const repoRoot = (() => {
  let dir = import.meta.dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(resolve(dir, "pnpm-workspace.yaml"))) return dir;
    dir = resolve(dir, "..");
  }
  throw new Error("local cloud: cannot find the repository root (pnpm-workspace.yaml)");
})();

export interface LocalConfig {
  dataDir: string;
  webPort: number;
  awsPort: number;
  inspect: boolean;
}

const port = (value: string | undefined, fallback: number) => {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`not a port: ${value}`);
  return n;
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  return {
    dataDir: resolve(env.LOCAL_DATA_DIR ?? resolve(repoRoot, ".data")),
    webPort: port(env.LOCAL_WEB_PORT, 3000),
    awsPort: port(env.LOCAL_AWS_PORT, 4566),
    inspect: ["1", "true"].includes(env.LOCAL_INSPECT ?? ""),
  };
}

/** Credentials the SDK needs to sign; no local service checks them. */
export const fakeCredentials = { accessKeyId: "local", secretAccessKey: "local" } as const;
