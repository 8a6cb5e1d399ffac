// `pnpm iam:report [--strict] [--out <file.md>] [--usage <dir>]`: per function,
// the grants its role holds that no recorded call used (the local cloud's IAM
// usage record, `.cache/iam-usage/` or LOCAL_IAM_USAGE_DIR), and the denials
// seen. --strict exits 1 on any unused grant the topology does not justify.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as topology from "@orders/core/topology";
import { repoRoot } from "@orders/local/config";
import { deployment } from "@orders/local/graph/index";
import { policiesOf } from "@orders/local/iam/index";
import {
  type DeclaredGrant,
  toMarkdown,
  type UsageEntry,
  unjustified,
  unusedGrants,
} from "./unused-grants";

const { values } = parseArgs({
  options: {
    strict: { type: "boolean", default: false },
    out: { type: "string" },
    usage: { type: "string" },
  },
});
// pnpm runs the script in packages/tooling; paths given on the command line are the caller's.
const from = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const usageDir = values.usage
  ? from(values.usage)
  : resolve(process.env.LOCAL_IAM_USAGE_DIR ?? join(repoRoot, ".cache", "iam-usage"));
const files = existsSync(usageDir) ? readdirSync(usageDir).filter((f) => f.endsWith(".jsonl")) : [];
const usage: UsageEntry[] = files.flatMap((f) =>
  readFileSync(join(usageDir, f), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as UsageEntry),
);
if (!files.length)
  console.error(
    `iam:report: no usage files in ${usageDir}: run the test suite or a bench first (every grant reads as unused)`,
  );

// A function's whole grant list: its code's permissions and its event sources', with their reasons.
const declared = (name: string): readonly DeclaredGrant[] =>
  Object.hasOwn(topology.functions, name)
    ? topology.functionGrants(name as topology.FunctionName)
    : [];

const report = unusedGrants({ policies: policiesOf(deployment().resources), usage, declared });
const markdown = toMarkdown(report, { usageFiles: files.length });
process.stdout.write(markdown);
if (values.out) {
  const out = from(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  console.error(`iam:report: wrote ${out}`);
}
const bad = unjustified(report);
if (values.strict && bad.length) {
  console.error(`iam:report: ${bad.length} unjustified unused grant(s)`);
  process.exit(1);
}
