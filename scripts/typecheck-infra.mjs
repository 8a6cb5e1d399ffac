// Type-checks the AWS infra (sst.config.ts + infra/**) offline: no AWS account
// needed. SST's component types live in .sst/platform, which `sst install`
// extracts (and whose providers it installs from npm) — done here only when
// that folder is missing or was made by another SST version. Quiet on success.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ensurePlatform, root } from "./sst-platform.mjs";

const require = createRequire(join(root, "package.json"));

function run(label, command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    process.stderr.write(
      `typecheck:infra: ${label} failed\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
    if (result.error) process.stderr.write(`${result.error.message}\n`);
    process.exit(result.status ?? 1);
  }
}

ensurePlatform("typecheck:infra");

run("tsc -p tsconfig.infra.json", process.execPath, [
  require.resolve("typescript/bin/tsc"),
  "--noEmit",
  "-p",
  "tsconfig.infra.json",
]);
