import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import { type BuildFailure, type BuildOptions, build, buildSync } from "esbuild";
import type { FunctionErrorShape } from "./protocol";

// Lambda code as SST ships it: each handler bundled by esbuild into ES
// modules (node platform, ESM, a `require` for the CommonJS dependencies that
// need one), so the local cloud runs what deploys: code that breaks once
// bundled (a dynamic require, a file read next to the source) breaks here
// too. An execution environment loads a few files and transpiles nothing. All
// handlers of a code generation are built together, their shared code (the
// AWS SDK, Powertools, core) split into common chunks: one build of the lot
// (about 1 s) takes about as long as two handlers built one by one. Linked
// source maps keep stack traces on the sources.

export interface Bundler {
  /** The execution environments' own code (worker.ts), built when the bundler is made. */
  runtime: string;
  /** The handler file's bundle in this code generation: its path, or the build error as an init error. */
  bundle(file: string, generation: number): Promise<string>;
  /** Starts building the first generation now, before any environment asks for it. */
  prebuild(): void;
  /** Deletes every bundle. */
  close(): void;
}

const WORKER = resolve(import.meta.dirname, "worker.ts");

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  outExtension: { ".js": ".mjs" },
  sourcemap: "linked",
  // Stack traces need the mappings; the sources are on disk.
  sourcesContent: false,
  mainFields: ["module", "main"],
  logLevel: "silent",
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
};

/**
 * Bundles of `files` (the handlers' sources) go to `into` (emptied first: a
 * killed process leaves its bundles there), or to a temporary folder.
 */
export function createBundler(files: readonly string[], into?: string): Bundler {
  if (into) rmSync(into, { recursive: true, force: true });
  const dir = into ?? mkdtempSync(join(tmpdir(), "lambda-bundles-"));
  mkdirSync(dir, { recursive: true });
  const runtime = join(dir, "runtime.mjs");
  buildSync({ ...common, entryPoints: [WORKER], outfile: runtime });

  const entries = [...new Set(files)].map((file) => ({
    in: file,
    out: `${basename(file, extname(file))}-${createHash("sha256").update(file).digest("hex").slice(0, 8)}`,
  }));

  async function buildGeneration(generation: number) {
    const outdir = join(dir, String(generation));
    try {
      await build({ ...common, entryPoints: entries, outdir, splitting: true });
      return new Map(entries.map((e) => [e.in, join(outdir, `${e.out}.mjs`)]));
    } catch {
      // A handler that does not build must not take the others down: each
      // on its own, so that only the broken ones fail (with their errors).
      const one = async (e: (typeof entries)[number]) => {
        try {
          await build({ ...common, entryPoints: [e], outdir: join(outdir, e.out) });
          return [e.in, join(outdir, e.out, `${e.out}.mjs`)] as const;
        } catch (error) {
          return [e.in, buildError(error)] as const;
        }
      };
      return new Map<string, string | FunctionErrorShape>(await Promise.all(entries.map(one)));
    }
  }

  const generations = new Map<number, ReturnType<typeof buildGeneration>>();
  function built(generation: number) {
    let outputs = generations.get(generation);
    if (!outputs) {
      outputs = buildGeneration(generation);
      generations.set(generation, outputs);
      // Hot reloads make a generation each: keep the one before (its
      // environments may still be loading), delete the older ones.
      for (const old of generations.keys()) if (old < generation - 1) generations.delete(old);
      for (const old of readdirSync(dir))
        if (/^\d+$/.test(old) && Number(old) < generation - 1)
          rmSync(join(dir, old), { recursive: true, force: true });
    }
    return outputs;
  }
  return {
    runtime,
    prebuild: () => void built(0),
    async bundle(file, generation) {
      const bundle = (await built(generation)).get(file);
      if (bundle === undefined) throw new Error(`bundler: ${file} is not a handler it was given`);
      if (typeof bundle !== "string") throw Object.assign(new Error(bundle.errorMessage), bundle);
      return bundle;
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A build failure as the init error Lambda reports for code it cannot import. */
export function buildError(error: unknown): FunctionErrorShape {
  if (isErrorShape(error))
    return { errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace };
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

const isErrorShape = (error: unknown): error is FunctionErrorShape =>
  typeof (error as FunctionErrorShape)?.errorType === "string" &&
  Array.isArray((error as FunctionErrorShape).trace);
