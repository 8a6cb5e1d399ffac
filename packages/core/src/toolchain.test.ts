import { describe, expect, it } from "vitest";

// The machines ship Node 20 (end-of-life); the workspace brings Node 24 through
// the `node` devDependency. If a vitest worker ever ran on the system Node,
// this is where it would show.
describe("toolchain", () => {
  it("runs tests on Node 24, the Lambda nodejs24.x runtime", () => {
    expect(process.versions.node.split(".")[0]).toBe("24");
  });
});
