import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `vite` (dev) proxies the API and the local OIDC provider to the local
// cloud's web origin, so the console can be developed against `pnpm dev`.
// Under `sst dev`, SST runs this with CONSOLE_API_PROXY set to the stage's
// HTTP API (infra/web.ts), so `/api` reaches the deployed functions instead.
const localCloud = process.env.LOCAL_CLOUD_URL ?? "http://localhost:3000";
const apiTarget = process.env.CONSOLE_API_PROXY ?? localCloud;

export default defineConfig({
  plugins: [react()],
  server: {
    // Strict: the local OIDC provider allows sign-in redirects to this port only.
    port: 5173,
    strictPort: true,
    proxy: {
      // API Gateway routes by Host: send the target's, not localhost's.
      "/api": { target: apiTarget, changeOrigin: true },
      "/auth/.well-known": localCloud,
      "/auth/authorize": localCloud,
      "/auth/token": localCloud,
      "/auth/jwks": localCloud,
    },
  },
  build: {
    target: "es2022",
    sourcemap: true,
    // dist/.vite/manifest.json: the chunk graph, so the console bench can
    // count what a first visit downloads (packages/tooling/src/bench/console.ts).
    manifest: true,
    chunkSizeWarningLimit: 400,
  },
});
