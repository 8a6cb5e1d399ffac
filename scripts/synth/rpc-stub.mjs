// Stands in for the SST CLI's RPC server (`SST_SERVER` + /rpc, JSON-RPC 1.0).
// SST's components call it for what only the CLI can do; offline we answer
// the two methods this app needs and refuse every other one, loudly, so an
// SST upgrade that starts calling something new breaks the synth instead of
// producing a graph with holes.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join, posix } from "node:path";

/**
 * @param {{ root: string, work: string, account: string, region: string }} env
 *   root: the real repo (handler sources are checked there); work: where
 *   placeholder bundles go.
 */
export async function startRpcStub({ root, work, account, region }) {
  /** Every method nobody answered: the synth fails on any, even if SST swallowed the error. */
  const refused = [];
  /**
   * What each function's build was asked to bundle as its `Resource.*` values
   * (the CLI encrypts them into the bundle's resource.enc), by function id.
   */
  const links = new Map();

  const methods = {
    // The bootstrap bucket and ECR repository `sst deploy` creates once per
    // account and region; components only put their names into resources.
    "Provider.Aws.Bootstrap": () => ({
      asset: `sst-asset-${account}-${region}`,
      assetEcrRegistryId: account,
      assetEcrUrl: `${account}.dkr.ecr.${region}.amazonaws.com/sst-asset`,
      state: `sst-state-${account}-${region}`,
      appsyncHttp: "",
      appsyncRealtime: "",
    }),
    // The CLI bundles a handler with esbuild. The graph needs a bundle to zip,
    // not our code: a placeholder module where the handler would be, after
    // checking that the handler's source exists.
    "Runtime.Build": async (input) => {
      links.set(input.functionID, input.links ?? {});
      const [file, exported] = input.handler.split(/\.(?=[^./]+$)/);
      const sources = [".ts", ".mts", ".js", ".mjs"].map((ext) => join(root, `${file}${ext}`));
      if (!sources.some((source) => existsSync(source)))
        return {
          handler: input.handler,
          out: "",
          errors: [`function ${input.functionID}: no source for handler ${input.handler}`],
          sourcemaps: [],
        };
      const out = join(work, "artifacts", `${input.functionID}-src`);
      await mkdir(join(out, posix.dirname(file)), { recursive: true });
      await writeFile(
        join(out, `${file}.mjs`),
        `export const ${exported} = () => { throw new Error("synth placeholder: not deployable"); };\n`,
      );
      return { handler: input.handler, out, errors: [], sourcemaps: [] };
    },
  };

  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
      const reply = (payload) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      let method = "?";
      try {
        const request = JSON.parse(body);
        method = request.method;
        const handler = methods[method];
        if (req.url !== "/rpc" || !handler) {
          refused.push(method);
          // Not "rpc: can't find …": SST treats that prefix as optional and would carry on.
          return reply({
            id: request.id,
            result: null,
            error: `synth stub: unknown RPC method ${method}`,
          });
        }
        reply({ id: request.id, result: await handler(request.params?.[0] ?? {}), error: null });
      } catch (error) {
        refused.push(method);
        reply({ result: null, error: `synth stub: ${method} failed: ${error.message}` });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    links,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
