// The package map of ARCHITECTURE.md, enforced over every package's source.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, sources, violations } from "./architecture";

describe("package map (ARCHITECTURE.md)", () => {
  it("no import in any package breaks the map", () => {
    const packages = readdirSync(join(root, "packages")).filter((p) =>
      statSync(join(root, "packages", p)).isDirectory(),
    );
    const files = packages.flatMap((p) =>
      ["src", "test"].flatMap((d) => {
        try {
          return statSync(join(root, "packages", p, d)).isDirectory()
            ? sources(`packages/${p}/${d}`)
            : [];
        } catch {
          return [];
        }
      }),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it("no product package depends on the tooling package", () => {
    for (const p of ["core", "functions", "local", "web"]) {
      const manifest = JSON.parse(readFileSync(join(root, "packages", p, "package.json"), "utf8"));
      const deps = { ...manifest.dependencies, ...manifest.devDependencies };
      expect(Object.keys(deps), p).not.toContain("@orders/tooling");
    }
  });

  it("flags each kind of forbidden import", () => {
    const file = (path: string, text: string) => ({ path, text });
    expect(
      violations([
        file(
          "packages/local/src/cloud/x.ts",
          `import { runSoak } from "@orders/tooling/proof/soak";`,
        ),
        file("packages/functions/src/x.ts", `import { bench } from "@orders/tooling/bench/main";`),
        file(
          "packages/local/src/services/eventbridge/x.ts",
          `import { orderPolicy } from "@orders/core/topology";`,
        ),
        file(
          "packages/local/src/services/eventbridge/y.ts",
          `import { LOOPBACK } from "../../config";`,
        ),
        file(
          "packages/local/src/services/cloudwatch/x.ts",
          `import type { StepFunctions } from "../stepfunctions";`,
        ),
        file(
          "packages/local/src/cloud/y.ts",
          `import { compilePattern } from "../services/eventbridge/pattern";`,
        ),
        file(
          "packages/core/src/order/x.ts",
          `import { ingress } from "@orders/functions/ingress";`,
        ),
        file("packages/core/src/order/y.ts", `import { Hono } from "hono";`),
        file(
          "packages/core/src/order/z.ts",
          `const m = await import("@orders/local/cloud/index");`,
        ),
        file(
          "packages/functions/src/y.ts",
          `import { startLocalCloud } from "@orders/local/cloud/index";`,
        ),
        file("packages/web/src/x.ts", `import { schemas } from "@orders/functions/admin/schemas";`),
        file(
          "packages/local/src/cloud/z.ts",
          `import { startHarness } from "../../test/stepfunctions/test-harness";`,
        ),
        file(
          "packages/functions/src/z.ts",
          `import { runSimulation } from "@cloud-copilot/iam-simulate";`,
        ),
      ]),
    ).toHaveLength(13);
    expect(
      violations([
        file(
          "packages/web/src/ok.ts",
          `import type { OrderView } from "@orders/functions/admin/schemas";`,
        ),
        file(
          "packages/local/src/cloud/ok.ts",
          `import { compilePattern } from "../services/eventbridge";`,
        ),
        file(
          "packages/local/src/services/eventbridge/ok.test.ts",
          `import { startBridge } from "../../../test/eventbridge/test-harness";`,
        ),
        file(
          "packages/tooling/src/ok.ts",
          `import { startLocalCloud } from "@orders/local/cloud/index";`,
        ),
        file(
          "packages/local/src/iam/ok.ts",
          `import { runSimulation } from "@cloud-copilot/iam-simulate";`,
        ),
      ]),
    ).toEqual([]);
  });
});
