import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { consoleInputs, consoleInputsFingerprint, ensureConsoleBuild } from "./console-build";

// The console `pnpm dev` serves is built from packages/web on start when
// missing, reused while its inputs are unchanged, rebuilt when one changes.
// A temp file stands in for an edited source (the tests never touch the repo).

const scratch = mkdtempSync(join(tmpdir(), "console-build-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the console build of pnpm dev", () => {
  it("builds when missing, reuses an up-to-date build, rebuilds after an edit", async () => {
    const edited = join(scratch, "source.ts");
    writeFileSync(edited, "export const version = 1;\n");
    const inputs = [...consoleInputs, edited];
    const dir = join(scratch, "console");

    const first = await ensureConsoleBuild({ dir, inputs }).done;
    expect(first).toMatchObject({ ok: true, built: true });
    expect(readFileSync(join(dir, "index.html"), "utf8")).toContain('<div id="root"></div>');

    expect(await ensureConsoleBuild({ dir, inputs }).done).toMatchObject({
      ok: true,
      built: false,
    });

    writeFileSync(edited, "export const version = 2;\n");
    expect(await ensureConsoleBuild({ dir, inputs }).done).toMatchObject({
      ok: true,
      built: true,
    });
  }, 120_000);

  it("a build that lost its index.html is made again", async () => {
    const dir = join(scratch, "console-partial");
    expect(await ensureConsoleBuild({ dir }).done).toMatchObject({ built: true });
    rmSync(join(dir, "index.html"));
    expect(await ensureConsoleBuild({ dir }).done).toMatchObject({ ok: true, built: true });
  }, 120_000);

  it("the fingerprint changes when a file is touched, added or deleted", () => {
    const folder = join(scratch, "inputs");
    rmSync(folder, { recursive: true, force: true });
    const file = join(folder, "a.ts");
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, "a");
    const before = consoleInputsFingerprint([folder]);
    expect(consoleInputsFingerprint([folder])).toBe(before);
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const touched = consoleInputsFingerprint([folder]);
    expect(touched).not.toBe(before);
    writeFileSync(join(folder, "b.ts"), "b");
    const added = consoleInputsFingerprint([folder]);
    expect(added).not.toBe(touched);
    rmSync(join(folder, "b.ts"));
    expect(consoleInputsFingerprint([folder])).toBe(touched);
  });
});
