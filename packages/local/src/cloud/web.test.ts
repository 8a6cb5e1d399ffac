import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWebOrigin } from "./web";

// What a console route answers when there is no console to serve: a JSON
// error saying why, while the API side of the origin keeps working.

const empty = mkdtempSync(join(tmpdir(), "web-origin-"));
afterAll(() => rmSync(empty, { recursive: true, force: true }));
const health = async () => ({ ready: true, components: {} });

describe("the web origin without a console", () => {
  it("a failed build: every console route answers 503 CONSOLE_BUILD_FAILED with the error", async () => {
    const web = await startWebOrigin({
      port: 0,
      health,
      distDir: empty,
      consoleError: "vite build exited 1: src/main.tsx: Unexpected token",
    });
    try {
      for (const path of ["/", "/shop", "/auth/callback"]) {
        const response = await fetch(`${web.url}${path}`);
        expect(response.status, path).toBe(503);
        expect(await response.json()).toMatchObject({
          code: "CONSOLE_BUILD_FAILED",
          message: expect.stringContaining("Unexpected token"),
        });
      }
      expect((await fetch(`${web.url}/api/health`)).status).toBe(200);
    } finally {
      await web.close();
    }
  });

  it("no build at all: `/` says the console is not built, and where it was looked for", async () => {
    const web = await startWebOrigin({ port: 0, health, distDir: empty });
    try {
      const response = await fetch(`${web.url}/`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        code: "CONSOLE_NOT_BUILT",
        message: expect.stringContaining(empty),
      });
      expect((await fetch(`${web.url}/assets/missing.js`)).status).toBe(404);
    } finally {
      await web.close();
    }
  });
});
