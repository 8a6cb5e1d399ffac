import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ES module without declarations (tooling, run by node)
import { renderPolicyDocument } from "../scripts/synth/mocks.mjs";
// @ts-expect-error: plain ES module without declarations (tooling, run by node)
import { startRpcStub } from "../scripts/synth/rpc-stub.mjs";

// The synth's stand-ins for the SST CLI and AWS: what they answer, and that
// they refuse what they do not know instead of letting a graph go out with holes.

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "synth-stub-"));
let stub: { url: string; refused: string[]; close: () => Promise<void> };

beforeAll(async () => {
  stub = await startRpcStub({ root, work, account: "000000000000", region: "us-east-1" });
});
afterAll(async () => {
  await stub.close();
  rmSync(work, { recursive: true, force: true });
});

const call = async (method: string, args: unknown) =>
  (await fetch(`${stub.url}/rpc`, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "1.0", method, params: [args] }),
  }).then((r) => r.json())) as { result: unknown; error: string | null };

describe("the SST CLI stub", () => {
  it("refuses a method it does not know, and remembers it", async () => {
    const { error } = await call("Runtime.AddTarget", {});
    expect(error).toMatch(/unknown RPC method Runtime.AddTarget/);
    // Not SST's "rpc: can't find" prefix, which SST treats as optional.
    expect(error).not.toMatch(/^rpc: can't find/);
    expect(stub.refused).toContain("Runtime.AddTarget");
  });

  it("builds a placeholder bundle for a handler whose source exists", async () => {
    const { result, error } = await call("Runtime.Build", {
      functionID: "Ingress",
      handler: "packages/functions/src/ingress.handler",
    });
    expect(error).toBeNull();
    const { out, handler, errors } = result as { out: string; handler: string; errors: string[] };
    expect(errors).toEqual([]);
    expect(handler).toBe("packages/functions/src/ingress.handler");
    expect(readFileSync(join(out, "packages/functions/src/ingress.mjs"), "utf8")).toMatch(
      /export const handler/,
    );
  });

  it("reports a handler with no source as a build error", async () => {
    const { result } = await call("Runtime.Build", {
      functionID: "Ghost",
      handler: "packages/functions/src/no-such-file.handler",
    });
    expect((result as { errors: string[] }).errors[0]).toMatch(/no source for handler/);
  });
});

describe("IAM policy documents", () => {
  it("renders getPolicyDocument arguments as IAM JSON, single values unwrapped", () => {
    expect(
      renderPolicyDocument({
        statements: [
          {
            sid: "FromOurRules",
            actions: ["sqs:SendMessage"],
            resources: ["arn:aws:sqs:us-east-1:000000000000:q"],
            principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
            conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ["a", "b"] }],
          },
          { effect: "Allow", actions: ["s3:GetObject", "s3:PutObject"], resources: ["*"] },
        ],
      }),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "FromOurRules",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:us-east-1:000000000000:q",
          Principal: { Service: "events.amazonaws.com" },
          Condition: { ArnEquals: { "aws:SourceArn": ["a", "b"] } },
        },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" },
      ],
    });
  });
});
