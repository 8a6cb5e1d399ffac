import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { type BuildFailure, type BuildOptions, build, buildSync } from "esbuild";
import type { FunctionErrorShape } from "./protocol";

// Lambda code as SST ships it: each handler bundled by esbuild into one ES
// module (node platform, ESM, a `require` for the CommonJS dependencies that
// need one). An execution environment then loads one file instead of
// transpiling and resolving hundreds of TypeScript modules: a cold start
// costs about a quarter of the CPU it did from source. A bundle is built once
// per handler file and code generation, and shared by that generation's
// environments; linked source maps keep stack traces on the sources.

export interface Bundler {
  /** The execution environments' own code (worker.ts), built when the bundler is made. */
  runtime: string;
  /** The handler file's bundle for this code generation: its path, or why it cannot be built. */
  bundle(file: string, generation: number): Promise<string>;
  /** Deletes every bundle. */
  close(): void;
}

const WORKER = resolve(import.meta.dirname, "worker.ts");

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  sourcemap: "linked",
  // Stack traces need the mappings; the sources are on disk.
  sourcesContent: false,
  mainFields: ["module", "main"],
  logLevel: "silent",
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
};

/** Bundles go to `dir` (emptied first: a killed process leaves its bundles there), or to a temporary folder. */
export function createBundler(into?: string): Bundler {
  if (into) rmSync(into, { recursive: true, force: true });
  const dir = into ?? mkdtempSync(join(tmpdir(), "lambda-bundles-"));
  mkdirSync(dir, { recursive: true });
  const runtime = join(dir, "runtime.mjs");
  buildSync({ ...common, entryPoints: [WORKER], outfile: runtime });

  const built = new Map<string, Promise<string>>();
  return {
    runtime,
    bundle(file, generation) {
      const key = `${generation}:${file}`;
      let path = built.get(key);
      if (!path) {
        const hash = createHash("sha256").update(file).digest("hex").slice(0, 8);
        const outfile = join(
          dir,
          String(generation),
          `${basename(file, extname(file))}-${hash}.mjs`,
        );
        mkdirSync(join(dir, String(generation)), { recursive: true });
        path = build({ ...common, entryPoints: [file], outfile }).then(() => outfile);
        // A failed build is not kept: the next environment tries again.
        path.catch(() => built.delete(key));
        for (const k of built.keys()) if (!k.startsWith(`${generation}:`)) built.delete(k);
        built.set(key, path);
        // Hot reloads make a generation each: keep the one before (its
        // environments may still be loading), delete the older ones.
        for (const old of readdirSync(dir))
          if (/^\d+$/.test(old) && Number(old) < generation - 1)
            rmSync(join(dir, old), { recursive: true, force: true });
      }
      return path;
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A build failure as the init error Lambda reports for code it cannot import. */
export function buildError(error: unknown): FunctionErrorShape {
  const failure = error as Partial<BuildFailure>;
  const lines = (failure.errors ?? []).map((e) =>
    e.location
      ? `${resolve(e.location.file)}:${e.location.line}:${e.location.column}: ${e.text}`
      : e.text,
  );
  return {
    errorType: "Runtime.ImportModuleError",
    errorMessage: lines.length ? lines.join("\n") : String((error as Error)?.message ?? error),
    trace: [],
  };
}
