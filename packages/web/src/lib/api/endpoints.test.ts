import { describe, expect, it } from "vitest";

// Every endpoint the console reads has one file with one query key and one
// refresh interval: a second file reading the same path would cache it under
// another key and poll it on another clock (issue #18). Shared endpoints live
// in lib/api/, the others in their feature's api/.

const sources = import.meta.glob<string>(["../../**/api/*.ts", "!**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The paths a query file reads: `api<…>("/admin/x/${id}?y=…")` → "/admin/x/{}". */
const pathsRead = (source: string) =>
  [...source.matchAll(/\bapi<[\s\S]*?>\(\s*[`"]([^`"]*)[`"]/g)].map((m) =>
    m[1]!.replace(/\$\{[^}]*\}/g, "{}").replace(/\?.*$/, ""),
  );

describe("the console's endpoints", () => {
  const queries = Object.entries(sources).filter(([, source]) => /queryOptions\(/.test(source));

  it("are found (the scan sees the query files)", () => {
    expect(queries.map(([file]) => file)).toEqual(
      expect.arrayContaining(["./get-queues.ts", "./list-approvals.ts", "./get-execution.ts"]),
    );
  });

  it("are each read by one file", () => {
    const readers = new Map<string, string[]>();
    for (const [file, source] of queries)
      for (const path of new Set(pathsRead(source)))
        readers.set(path, [...(readers.get(path) ?? []), file]);
    const shared = [...readers].filter(([, files]) => files.length > 1);
    expect(shared).toEqual([]);
    expect(readers.size).toBeGreaterThanOrEqual(10);
  });
});
