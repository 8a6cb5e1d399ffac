// `pnpm synth --out FILE`: evaluates sst.config.ts's program the way `sst
// deploy` does — SST 4's own platform code from .sst/platform, bundled the way
// its CLI bundles it — but under Pulumi's mock runtime, for a fixed stage,
// account and region, with no AWS account and no network. SST's own checks run
// (unique component names, links, transforms); what it would create is written
// as a JSON array of { type, name, parent, inputs, outputs }.
//
// What is stubbed, and why (the README's "The AWS program, offline" too):
// - the SST CLI's RPC server: scripts/synth/rpc-stub.mjs (bootstrap bucket
//   names; function builds become placeholder bundles);
// - AWS: scripts/synth/mocks.mjs (ids, ARNs, URLs; caller identity, region,
//   partition; IAM policy documents rendered to JSON);
// - the site build: a placeholder `dist/index.html` in a scratch copy of the
//   site's folder (the build is a `command:local:Command` that mocks never
//   run, and SST writes `src/sst-env.d.ts` there, not into our tree);
// - SST's random name suffixes (physicalName) and the site build's trigger
//   timestamp: derived from the name, so two runs give the same graph.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ensurePlatform, platform, root } from "../sst-platform.mjs";
import { createMocks, stableId } from "./mocks.mjs";
import { startRpcStub } from "./rpc-stub.mjs";

export const STAGE = "local";
export const ACCOUNT = "000000000000";
export const REGION = "us-east-1";

const { values: flags } = parseArgs({ options: { out: { type: "string" } } });
if (!flags.out) {
  process.stderr.write("usage: pnpm synth --out FILE\n");
  process.exit(2);
}
// SST's run() changes directory to the app root: resolve the output first.
const startDir = process.cwd();
const outFile = resolve(startDir, flags.out);

ensurePlatform("synth");

// Nothing may reach AWS: no credentials, and an endpoint that refuses.
for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:9";
process.env.AWS_REGION = REGION;
process.env.SST_AWS_REGION = REGION;
process.env.PULUMI_CONFIG = JSON.stringify({ "aws:region": REGION });
delete process.env.ALARM_EMAIL; // an operator's deploy-time choice, not part of the graph

const failures = [];
const fail = (error) =>
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);

// A scratch folder per run: the site's stand-in, SST's work dir, the bundle.
const scratchParent = join(root, ".sst", "synth");
mkdirSync(scratchParent, { recursive: true });
const scratch = mkdtempSync(join(scratchParent, "run-"));
const shadowRoot = join(scratch, "root");
const work = join(scratch, "work");

function prepareShadowRoot() {
  // StaticSite resolves its path, build output and vite config against the
  // app root; the handlers are checked against the real tree by the RPC stub.
  const site = "packages/web";
  mkdirSync(join(shadowRoot, site, "dist"), { recursive: true });
  for (const file of ["package.json", "vite.config.ts", "vite.config.js"])
    if (existsSync(join(root, site, file)))
      copyFileSync(join(root, site, file), join(shadowRoot, site, file));
  writeFileSync(
    join(shadowRoot, site, "dist", "index.html"),
    "<!doctype html><title>synth placeholder</title>\n",
  );
  mkdirSync(work, { recursive: true });
}

async function bundleProgram() {
  const esbuild = createRequire(join(platform, "package.json"))("esbuild");
  const outfile = join(platform, `synth.${process.pid}.mjs`);
  const globals = [
    `import * as aws from "@pulumi/aws";`,
    `import * as sst from ${JSON.stringify(join(platform, "src/components"))};`,
  ].join("\n");
  await esbuild.build({
    stdin: {
      contents: [
        `import { run } from ${JSON.stringify(join(platform, "src/auto/run.ts"))};`,
        `import mod from ${JSON.stringify(join(root, "sst.config.ts"))};`,
        "export { run, mod };",
      ].join("\n"),
      resolveDir: root,
      sourcefile: "eval.ts",
      loader: "ts",
    },
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from "module";`,
        "const require = topLevelCreateRequire(import.meta.url);",
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";`,
        "const __filename = topLevelFileUrlToPath(import.meta.url);",
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));`,
      ].join("\n"),
    },
    mainFields: ["module", "main"],
    format: "esm",
    platform: "node",
    bundle: true,
    write: true,
    outfile,
    logLevel: "silent",
    nodePaths: [join(platform, "node_modules")],
    inject: [join(platform, "src/shim/run.js")],
    external: [
      "@pulumi/*",
      "undici",
      "@pulumiverse/*",
      "@sst-provider/*",
      "@aws-sdk/*",
      "esbuild",
      "archiver",
      "glob",
      "vite",
    ],
    plugins: [
      {
        name: "InjectGlobals",
        setup(build) {
          build.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (args) => {
            const { readFile } = await import("node:fs/promises");
            let contents = await readFile(args.path, "utf8");
            if (!args.path.includes(".sst")) contents = `${globals}\n${contents}`;
            if (args.path.endsWith(join("src", "components", "naming.ts"))) {
              const random = `crypto.randomBytes(8).toString("hex")`;
              if (!contents.includes(random))
                throw new Error(
                  "synth: SST's physicalName no longer draws its suffix the way we replace",
                );
              contents = contents.replace(random, "globalThis.__synthSuffix(name, suffix)");
            }
            return { contents, loader: "default" };
          });
        },
      },
    ],
  });
  return outfile;
}

/** Awaits what deserialized properties leave pending (an asset's or archive's path). */
async function settle(value) {
  if (value instanceof Promise) return settle(await value);
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = await settle(v);
    if (value.__pulumiArchive) out.__pulumiArchive = true;
    if (value.__pulumiAsset) out.__pulumiAsset = true;
    return out;
  }
  return value;
}

/** The array the graph file holds, in registration order, made comparable. */
function toGraph(records) {
  const nameOf = new Map(records.map((r) => [r.urn, r.name]));
  const stacks = new Set(records.filter((r) => r.type === "pulumi:pulumi:Stack").map((r) => r.urn));
  const placeholders = [
    [scratch, "$SYNTH"],
    [platform, "$ROOT/.sst/platform"],
    [root, "$ROOT"],
  ];
  const clean = (value) => {
    if (typeof value === "string") {
      let out = value;
      for (const [path, token] of placeholders) out = out.split(path).join(token);
      return out;
    }
    if (Array.isArray(value)) return value.map((v) => clean(v));
    if (value && typeof value === "object") {
      // Assets and archives (settled): their path, e.g. the zip SST built from a placeholder bundle.
      if (value.__pulumiArchive) return { archive: clean(value.path) };
      if (value.__pulumiAsset) return { asset: clean(value.path) };
      const out = {};
      for (const k of Object.keys(value).sort()) {
        // Dynamic providers carry their serialized code: not the graph's business.
        if (k === "__provider") out[k] = "<dynamic provider code>";
        else out[k] = clean(value[k]);
      }
      return out;
    }
    return value;
  };
  return (
    records
      .filter((r) => r.type !== "pulumi:pulumi:Stack")
      // Registration order follows async resolution; name then type does not.
      .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
      .map((r) => {
        const inputs = clean(r.inputs);
        // The site build re-runs on every deploy: SST triggers it with Date.now().
        if (r.type === "command:local:Command" && Array.isArray(inputs.triggers))
          inputs.triggers = inputs.triggers.map(() => "<deploy time>");
        return {
          type: r.type,
          name: r.name,
          parent: r.parent && !stacks.has(r.parent) ? (nameOf.get(r.parent) ?? r.parent) : null,
          inputs,
          outputs: clean(r.outputs),
        };
      })
  );
}

async function main() {
  prepareShadowRoot();
  const rpc = await startRpcStub({ root, work, account: ACCOUNT, region: REGION });
  process.env.SST_SERVER = rpc.url;
  const outfile = await bundleProgram();

  const requireFromPlatform = createRequire(join(platform, "package.json"));
  const pulumi = requireFromPlatform("@pulumi/pulumi");
  const { MockMonitor } = requireFromPlatform("@pulumi/pulumi/runtime/mocks");
  const { deserializeProperties } = requireFromPlatform("@pulumi/pulumi/runtime/rpc");

  // The public mock API does not say who a resource's parent is: record every
  // registration where the mock monitor sees it.
  const records = [];
  const byUrn = new Map();
  const { registerResource, registerResourceOutputs, readResource } = MockMonitor.prototype;
  const recording = (original) =>
    function (req, callback) {
      const inputs = deserializeProperties(req.getObject?.() ?? req.getProperties());
      return original.call(this, req, (error, response) => {
        if (!error) {
          const record = {
            urn: response.getUrn(),
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            custom: req.getCustom(),
            inputs,
            outputs: {},
          };
          if (record.custom) record.outputs = returned.get(`${record.type}::${record.name}`) ?? {};
          records.push(record);
          byUrn.set(record.urn, record);
        }
        callback(error, response);
      });
    };
  MockMonitor.prototype.registerResource = recording(registerResource);
  MockMonitor.prototype.readResource = recording(readResource);
  MockMonitor.prototype.registerResourceOutputs = function (req, callback) {
    const record = byUrn.get(req.getUrn());
    if (record && !record.custom) record.outputs = deserializeProperties(req.getOutputs());
    return registerResourceOutputs.call(this, req, callback);
  };

  const { mocks, unknownCalls, returned } = createMocks({ account: ACCOUNT, region: REGION });
  await pulumi.runtime.setMocks(mocks, "orders", STAGE, false);

  const suffixes = new Map();
  globalThis.__synthSuffix = (name, suffix) => {
    const key = `${name}|${suffix}`;
    const n = (suffixes.get(key) ?? 0) + 1;
    suffixes.set(key, n);
    return stableId(`${key}|${n}`, 16, "0123456789abcdef");
  };

  const program = await import(pathToFileURL(outfile).href);
  try {
    const config = program.mod;
    const app = config.app({ stage: STAGE });
    globalThis.$app = { providers: {}, ...app, stage: STAGE };
    globalThis.$dev = false;
    globalThis.$cli = {
      command: "deploy",
      dev: false,
      paths: { home: join(scratch, "home"), root: shadowRoot, work, platform },
      state: { version: {} },
    };
    await pulumi.runtime.runInPulumiStack(() => program.run(config.run));
    await pulumi.runtime.waitForRPCs?.();
    // Settle: links and transforms register resources on later ticks.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
  } catch (error) {
    fail(error);
  } finally {
    rmSync(outfile, { force: true });
    await rpc.close();
  }

  if (rpc.refused.length)
    fail(`SST called RPC methods the stub does not answer: ${[...new Set(rpc.refused)]}`);
  if (unknownCalls.length)
    fail(`data sources the mocks do not answer: ${[...new Set(unknownCalls)]}`);
  if (failures.length) {
    process.stderr.write(`synth failed:\n${failures.join("\n\n")}\n`);
    rmSync(scratch, { recursive: true, force: true });
    process.exit(1);
  }

  // What the graph cannot otherwise show: each function's linked `Resource.*`
  // values, which the CLI would encrypt into its bundle (resource.enc). One
  // record per function, beside its Lambda.
  for (const [functionId, linked] of rpc.links) {
    const component = records.find((r) => r.type === "sst:aws:Function" && r.name === functionId);
    records.push({
      urn: `${component?.urn ?? functionId}$LinkedResources`,
      type: "sst:cli:LinkedResources",
      name: `${functionId}LinkedResources`,
      parent: component?.urn ?? null,
      custom: false,
      inputs: { links: linked },
      outputs: {},
    });
  }
  for (const record of records) {
    record.inputs = await settle(record.inputs);
    record.outputs = await settle(record.outputs);
  }
  const graph = toGraph(records);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(graph, null, 2)}\n`);
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(
    `synth: ${graph.length} resources → ${relative(startDir, outFile) || outFile}\n`,
  );
  process.exit(0);
}

await main();
