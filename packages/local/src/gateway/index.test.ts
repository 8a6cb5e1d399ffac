import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, fromLambdaRunner } from "./index";
import type { HttpApiEvent } from "./types";

// The gateway as the local cloud loads it (cloud/index.ts: createGateway({ invoke, webUrl, dataDir })).

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "gateway-index-"));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const T0 = Date.UTC(2030, 0, 1);

describe("createGateway", () => {
  it("serves the provider under /auth and the topology's API under /api, trusting each other", async () => {
    const seen: HttpApiEvent[] = [];
    const gateway = await createGateway({
      webUrl: "http://localhost:3000",
      dataDir,
      now: () => T0,
      invoke: async (fn, event) => {
        seen.push(event as HttpApiEvent);
        return { statusCode: 200, body: fn };
      },
    });
    const discovery = (await (
      await gateway.fetch(
        new Request("http://localhost:3000/auth/.well-known/openid-configuration"),
      )
    ).json()) as { issuer: string };
    expect(discovery.issuer).toBe("http://localhost:3000/auth");

    const minted = await gateway.fetch(
      new Request("http://localhost:3000/auth/dev/token", {
        method: "POST",
        body: JSON.stringify({ sub: "customer-1" }),
      }),
    );
    const { access_token } = (await minted.json()) as { access_token: string };
    const res = await gateway.fetch(
      new Request("http://localhost:3000/api/catalog", {
        headers: { authorization: `Bearer ${access_token}` },
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Catalog");
    expect(seen[0]!.requestContext.authorizer?.jwt.claims.sub).toBe("customer-1");

    expect((await gateway.fetch(new Request("http://localhost:3000/api/catalog"))).status).toBe(
      401,
    );
    expect((await gateway.fetch(new Request("http://localhost:3000/api/nope"))).status).toBe(404);
  });

  it("answers 500 when the function failed, whether the invoke rejects or returns AWS's error payload", async () => {
    const crashed = {
      errorType: "TypeError",
      errorMessage: "x is undefined",
      trace: ["at handler"],
    };
    const viaPayload = await createGateway({
      webUrl: "http://localhost:3000",
      dataDir,
      invoke: async () => crashed,
    });
    const viaRunner = await createGateway({
      webUrl: "http://localhost:3000",
      dataDir,
      invoke: fromLambdaRunner({
        invoke: async () => ({
          requestId: "r",
          payload: crashed,
          functionError: "Unhandled",
          error: crashed,
          durationMs: 1,
        }),
      }),
    });
    for (const gateway of [viaPayload, viaRunner]) {
      const token = await gateway.oidc.issueAccessToken({ sub: "customer-1" });
      const res = await gateway.fetch(
        new Request("http://localhost:3000/api/catalog", {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: "Internal Server Error" });
    }
  });
});
