import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { repoRoot } from "../config";

// The console as `pnpm dev` serves it: a Vite build of packages/web into
// <dataDir>/console, made on start when missing or when any of its inputs
// changed since, so a fresh clone serves the console and an edit shows after a
// restart (hot reload: Vite's dev server, see the README). Its own folder, not
// packages/web/dist: that one is whatever the last `vite build` or `sst deploy`
// made (built for a stage's Cognito, say), and two local clouds starting at
// once must not write into the same folder.

const webDir = join(repoRoot, "packages/web");

/** What the console bundle is built from: its package and the workspace code it imports. */
export const consoleInputs: readonly string[] = [
  webDir,
  join(repoRoot, "packages/core/src"),
  join(repoRoot, "pnpm-lock.yaml"),
  join(repoRoot, "tsconfig.base.json"),
];
const skipped = new Set(["node_modules", "dist"]);
const STAMP = ".local-build.json";

export type ConsoleBuild =
  | { ok: true; dir: string; built: boolean }
  | { ok: false; dir: string; error: string };

/**
 * Paths, sizes and modification times of every input file, hashed: any edit,
 * new file or deleted file changes it. A few hundred stats: milliseconds.
 */
export function consoleInputsFingerprint(paths: readonly string[] = consoleInputs): string {
  const hash = createHash("sha256");
  const visit = (path: string) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (!skipped.has(entry)) visit(join(path, entry));
      }
    } else if (stat.isFile()) {
      hash.update(`${relative(repoRoot, path)}\t${stat.size}\t${stat.mtimeMs}\n`);
    }
  };
  for (const path of paths) visit(path);
  return hash.digest("hex");
}

/**
 * Builds the console into `dir` unless the build there was made from the
 * current inputs. A failed build leaves the previous one untouched and is
 * returned, not thrown: the APIs still start, and `/` shows the error.
 */
export function ensureConsoleBuild(options: {
  dir: string;
  /** Files and folders whose change means a rebuild; default consoleInputs. */
  inputs?: readonly string[];
  log?: (line: string) => void;
}): { done: Promise<ConsoleBuild>; cancel: () => void } {
  const { dir } = options;
  const log = options.log ?? (() => {});
  const fingerprint = consoleInputsFingerprint(options.inputs);
  if (readStamp(dir) === fingerprint && existsSync(join(dir, "index.html")))
    return { done: Promise.resolve({ ok: true, dir, built: false }), cancel: () => {} };

  // Built beside the served folder and swapped in whole on success, so a crash
  // mid-build never leaves a half-written console that looks current.
  const next = `${dir}.next`;
  rmSync(next, { recursive: true, force: true });
  const started = Date.now();
  let child: ChildProcess | undefined;
  const done = new Promise<ConsoleBuild>((settle) => {
    child = spawn(
      process.execPath,
      [viteBin(), "build", "--outDir", next, "--emptyOutDir", "--logLevel", "warn"],
      {
        cwd: webDir,
        // The local console talks to its own origin: VITE_* settings meant for
        // a stage (sst dev, a deploy) in this shell must not leak into it.
        env: Object.fromEntries(
          Object.entries(process.env).filter(([key]) => !key.startsWith("VITE_")),
        ),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("error", (error) => settle({ ok: false, dir, error: error.message }));
    child.once("close", (code, signal) => {
      if (code !== 0) {
        rmSync(next, { recursive: true, force: true });
        settle({
          ok: false,
          dir,
          error: `vite build ${signal ? `killed (${signal})` : `exited ${code}`}: ${output.trim()}`,
        });
        return;
      }
      writeFileSync(join(next, STAMP), JSON.stringify({ fingerprint }));
      rmSync(dir, { recursive: true, force: true });
      renameSync(next, dir);
      log(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s into ${dir}`);
      settle({ ok: true, dir, built: true });
    });
  });
  return { done, cancel: () => child?.kill("SIGTERM") };
}

function readStamp(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, STAMP), "utf8")) as { fingerprint?: string })
      .fingerprint;
  } catch {
    return undefined;
  }
}

/** Vite's CLI as packages/web resolves it (the local cloud does not depend on Vite). */
function viteBin(): string {
  const require = createRequire(join(webDir, "package.json"));
  const manifest = require.resolve("vite/package.json");
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> };
  return join(dirname(manifest), bin.vite ?? "bin/vite.js");
}
