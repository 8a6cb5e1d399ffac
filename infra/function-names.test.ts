import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type FunctionName, functions } from "../packages/core/src/topology";
import { functionConcern } from "./wiring";

// Infra readable by name: grepping a function's topology name in infra/ finds
// the line that creates it (and the wiring next to it), in the module the
// topology assigns it to. A loop over names would hide them from a reader.

const infraDir = import.meta.dirname;
const modules = readdirSync(infraDir)
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
  .map((file) => ({ file, source: readFileSync(join(infraDir, file), "utf8") }));
const functionNames = Object.keys(functions) as FunctionName[];

describe("infra names every function where it creates it", () => {
  it.each(functionNames)(
    "%s is created by its name in a defineFunction call, once, in its module",
    (name) => {
      const creators = modules
        .filter(({ source }) => source.includes(`defineFunction("${name}",`))
        .map(({ file }) => file);
      expect(creators).toEqual([`${functionConcern(name)}.ts`]);
    },
  );

  it("no module creates a function from a computed name", () => {
    const computed = modules.flatMap(({ file, source }) =>
      [...source.matchAll(/\bdefineFunction\(\s*([^"\s][^,]*),/g)]
        .filter((match) => !match[0].includes("name: FunctionName"))
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(computed).toEqual([]);
  });
});
