// SST's platform (its components' sources and the Pulumi providers they use)
// lives in .sst/platform, which `sst install` extracts from the sst package and
// fills from npm. The offline type-check and the offline synth both need it;
// this installs it when it is missing or was made by another SST version, with
// no Bun, no Pulumi CLI download and no telemetry (BRIEF §4). Run directly
// (scripts/setup.sh does) to install it and exit.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..");
export const platform = join(root, ".sst", "platform");

function sstVersion() {
  // sst's package.json is not in its exports map: read it from where pnpm links it.
  return JSON.parse(readFileSync(join(root, "node_modules", "sst", "package.json"), "utf8"))
    .version;
}

export function platformReady() {
  const installed = existsSync(join(platform, "version"))
    ? readFileSync(join(platform, "version"), "utf8").trim()
    : undefined;
  return (
    installed === sstVersion() &&
    existsSync(join(platform, "config.d.ts")) &&
    existsSync(join(platform, "node_modules", "@pulumi", "aws", "package.json")) &&
    existsSync(join(platform, "node_modules", "esbuild", "package.json"))
  );
}

/** Installs the platform unless it is there; exits the process with sst's output on failure. */
export function ensurePlatform(label = "sst install") {
  if (platformReady()) return;
  const result = spawnSync(
    join(root, "node_modules", ".bin", "sst"),
    ["install", "--stage", "dev"],
    {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        SST_SKIP_DEPENDENCY_CHECK: "1",
        SST_NO_BUN: "1",
        SST_TELEMETRY_DISABLED: "1",
      },
    },
  );
  if (result.status !== 0 || !platformReady()) {
    process.stderr.write(
      `${label}: sst install failed\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
    if (result.error) process.stderr.write(`${result.error.message}\n`);
    process.exit(result.status || 1);
  }
}

if (import.meta.main) ensurePlatform();
