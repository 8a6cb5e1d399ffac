import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { repoRoot } from "../config";

// The synthesized graph, cached in .cache/graph/: `pnpm synth` evaluates SST's
// program offline in about 4 s, so it runs only when what it reads changed.

/** Where the graph lives: a rebuild replaces it whole (rename), never in place. */
export const graphFile = (root = repoRoot) => join(root, ".cache/graph/graph.json");

const isTest = (file: string) => /\.test\.[cm]?[jt]sx?$/.test(file);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !isTest(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * A hash of everything the synth reads: the SST program (infra/, sst.config.ts),
 * the topology it is generated from, the synth itself, the installed SST and
 * the topology's one deploy-time setting (ORDERS_DERIVED_EVENTS: the stream
 * publisher's mapping or the orders pipe).
 */
export function graphInputsHash(root = repoRoot): string {
  const files = [
    ...filesUnder(join(root, "infra")),
    join(root, "sst.config.ts"),
    ...filesUnder(join(root, "packages/core/src/topology")),
    ...filesUnder(join(root, "scripts/synth")),
  ]
    .map((file) => relative(root, file))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  hash.update(`sst@${sstVersion(root)}`);
  hash.update(`\0ORDERS_DERIVED_EVENTS=${process.env.ORDERS_DERIVED_EVENTS ?? ""}`);
  return hash.digest("hex");
}

function sstVersion(root: string): string {
  try {
    const require = createRequire(join(root, "package.json"));
    return JSON.parse(readFileSync(require.resolve("sst/package.json"), "utf8")).version;
  } catch {
    return "not installed";
  }
}

/**
 * The path of the synthesized graph, rebuilt first when its inputs changed.
 * Two processes ensuring at once may both build; each writes its own temporary
 * file and renames it into place (the synth is deterministic), and the hash is
 * renamed in after the graph, so a matching hash always means the graph is current.
 *
 * When the synth fails (infra/ mid-edit) and a graph was built before, that one
 * is used, with a warning: a broken SST program is infra/graph.test.ts's to
 * report, not a reason for `pnpm dev` to refuse to start. The failure is
 * remembered per inputs hash, so the next ensure does not pay the synth again.
 */
export function ensureGraph(options: { root?: string; log?: (line: string) => void } = {}): string {
  const root = options.root ?? repoRoot;
  const log = options.log ?? ((line: string) => console.log(line));
  const file = graphFile(root);
  const hashFile = `${file}.sha256`;
  const failedFile = `${file}.failed`;
  const want = graphInputsHash(root);
  const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);
  if (existsSync(file) && read(hashFile) === want) return file;

  const unique = `${process.pid}-${Date.now()}`;
  const replace = (path: string, text: string) => {
    writeFileSync(`${path}.${unique}.tmp`, text);
    renameSync(`${path}.${unique}.tmp`, path);
  };
  const stale = (why: string) => {
    if (!existsSync(file))
      throw new Error(`graph: pnpm synth failed and no graph was built before:\n${why}`);
    log(
      `graph: WARNING pnpm synth fails for the current infra/topology; using the last graph built (${relative(root, file)}). ${why.split("\n").find((l) => l.trim()) ?? ""}`,
    );
    return file;
  };
  const failed = read(failedFile);
  if (failed?.startsWith(`${want}\n`)) return stale(failed.slice(want.length + 1));

  const started = Date.now();
  mkdirSync(join(root, ".cache/graph"), { recursive: true });
  const tmp = `${file}.${unique}.tmp`;
  const result = spawnSync(
    process.execPath,
    [join(root, "scripts/synth/synth.mjs"), "--out", tmp],
    { cwd: root, encoding: "utf8" },
  );
  if (result.status !== 0) {
    rmSync(tmp, { force: true });
    const why = `exit ${result.status ?? result.signal}: ${result.stderr || result.error?.message}`;
    replace(failedFile, `${want}\n${why}`);
    return stale(why);
  }
  renameSync(tmp, file);
  replace(hashFile, want);
  log(
    `graph: rebuilt ${relative(root, file)} in ${((Date.now() - started) / 1000).toFixed(1)} s (infra, sst.config.ts, topology or SST changed)`,
  );
  return file;
}
