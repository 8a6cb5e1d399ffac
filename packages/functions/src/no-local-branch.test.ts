import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// One code path in deployed code (issue 17): no handler or adapter may behave
// differently on the local cloud. The local cloud answers the AWS APIs the code
// calls (CloudWatch Logs, CloudWatch, SQS move tasks) and the SDK finds its
// endpoint from the environment by itself, so deployed code never needs to
// know where it runs. Tests may say whatever they like.

const root = import.meta.dirname;

const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /isLocalCloud/, why: "a local-cloud switch" },
  { pattern: /AWS_ENDPOINT_URL/, why: "the SDK reads its endpoint itself; code must not" },
  { pattern: /\/_local\//, why: "a local-cloud-only route" },
  { pattern: /localhost:4566|127\.0\.0\.1:4566/, why: "the local endpoint's address" },
  { pattern: /process\.env\.LOCAL_|process\.env\[["']LOCAL_/, why: "the local cloud's settings" },
  {
    // A sandbox provider's outage or latency is injected in front of its
    // function URL by the local cloud (LocalCloud.faults), never by a switch
    // in the provider's own code.
    pattern: /SANDBOX_CONTROL|sandbox\/control|x-sandbox-control/i,
    why: "a fault switch in a sandbox provider",
  },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe("deployed code has no local-cloud branch", () => {
  const files = sources(root);

  it("finds the handlers to check", () => {
    expect(files.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining([
        "admin-api.ts",
        "admin/adapters/logs.ts",
        "admin/adapters/sqs-queues.ts",
        "payment-sandbox.ts",
      ]),
    );
  });

  it.each(files.map((f) => [relative(root, f), f]))("%s", (name, file) => {
    const offending = readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) =>
        FORBIDDEN.filter((rule) => rule.pattern.test(line)).map(
          (rule) => `${name}:${i + 1}: ${rule.why}: ${line.trim()}`,
        ),
      );
    expect(offending).toEqual([]);
  });
});
