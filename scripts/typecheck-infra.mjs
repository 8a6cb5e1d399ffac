// Type-checks the AWS infra (sst.config.ts + infra/**) offline: no AWS account
// needed. SST's component types live in .sst/platform, which `sst install`
// extracts (and whose providers it installs from npm) — done here only when
// that folder is missing or was made by another SST version. Quiet on success.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const require = createRequire(join(root, "package.json"));
const platform = join(root, ".sst", "platform");

function run(label, command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    process.stderr.write(
      `typecheck:infra: ${label} failed\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
    if (result.error) process.stderr.write(`${result.error.message}\n`);
    process.exit(result.status ?? 1);
  }
}

// sst's package.json is not in its exports map: read it from where pnpm links it.
const sstVersion = JSON.parse(
  readFileSync(join(root, "node_modules", "sst", "package.json"), "utf8"),
).version;
const installed = existsSync(join(platform, "version"))
  ? readFileSync(join(platform, "version"), "utf8").trim()
  : undefined;
const ready =
  installed === sstVersion &&
  existsSync(join(platform, "config.d.ts")) &&
  existsSync(join(platform, "node_modules", "@pulumi", "aws", "package.json"));

if (!ready) {
  // The BRIEF §4 recipe: no Bun, no Pulumi CLI download, no telemetry.
  run("sst install", join(root, "node_modules", ".bin", "sst"), ["install", "--stage", "dev"], {
    SST_SKIP_DEPENDENCY_CHECK: "1",
    SST_NO_BUN: "1",
    SST_TELEMETRY_DISABLED: "1",
  });
}

run("tsc -p tsconfig.infra.json", process.execPath, [
  require.resolve("typescript/bin/tsc"),
  "--noEmit",
  "-p",
  "tsconfig.infra.json",
]);
