import { webConsole } from "../packages/core/src/topology";
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
  },
  router: { instance: router },
});
