import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `vite` (dev) proxies the API and the local OIDC provider to the local
// cloud's web origin, so the console can be developed against `pnpm dev`.
const localCloud = process.env.LOCAL_CLOUD_URL ?? "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/api": localCloud,
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
    // count what a first visit downloads (packages/functions/src/admin/bench.ts).
    manifest: true,
    chunkSizeWarningLimit: 400,
  },
});
