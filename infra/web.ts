import { webConsole } from "../packages/core/src/topology";
import { httpApi } from "./api";
import { consoleEnv } from "./auth";
import { router } from "./router";

// The ops console: a Vite build on S3 behind the Router at `/`, talking to the
// API on the same origin and signing in with Cognito (code + PKCE).
export const site = new sst.aws.StaticSite("Web", {
  path: webConsole.path,
  build: { command: "pnpm run build", output: "dist" },
  environment: {
    [webConsole.env.apiBase]: webConsole.apiBasePath,
    ...consoleEnv,
    // Where Vite's dev server proxies `/api` under `sst dev` (not a VITE_
    // variable: it never reaches the bundle). The build ignores it.
    CONSOLE_API_PROXY: httpApi.url,
  },
  // `sst dev` runs the console's dev server against this stage's API and Cognito.
  dev: { command: "pnpm run dev", url: "http://localhost:5173" },
  router: { instance: router },
});
