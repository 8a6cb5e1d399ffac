import { createHttpPaymentProvider } from "@orders/core/payment";
import { AwsV4Signer } from "aws4fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iamSignedFetch } from "./payments";
import { serveFetch } from "./serve";

// The sandbox's function URL takes IAM auth on AWS: the provider adapter must
// send SigV4-signed requests, scoped to the lambda service, with the role's
// session token, and the signature must cover the body.

const env = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "session-token-example",
  AWS_REGION: "eu-west-1",
};

const seen: Request[] = [];
let server: Awaited<ReturnType<typeof serveFetch>>;
beforeAll(async () => {
  server = await serveFetch(async (request) => {
    seen.push(request.clone());
    return Response.json({ orderId: "ord_1", authorizations: [] });
  });
});
afterAll(() => server.close());

describe("payment provider over an IAM-auth function URL", () => {
  it("signs each request with the role's credentials for the lambda service", async () => {
    const provider = createHttpPaymentProvider({ baseUrl: server.url, fetch: iamSignedFetch(env) });
    await provider.ledger("ord_1");
    const request = seen.at(-1)!;
    const authorization = request.headers.get("authorization") ?? "";
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers.get("x-amz-security-token")).toBe(env.AWS_SESSION_TOKEN);
    expect(request.headers.get("x-amz-date")).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it("the signature covers the body and verifies with the same secret", async () => {
    const body = JSON.stringify({ amountCents: 100 });
    const url = `${server.url}/v1/authorizations/auth_1/capture`;
    await iamSignedFetch(env)(url, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "capture:ord_1" },
      body,
    });
    const request = seen.at(-1)!;
    const received = await request.text();
    expect(received).toBe(body);
    // Re-sign what arrived, at the same instant: a verifier gets the same signature.
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(request.headers.get("authorization")!)![1]!;
    const headers = new Headers();
    for (const name of signedHeaders.split(";")) {
      if (name !== "host") headers.set(name, request.headers.get(name) ?? "");
    }
    const resign = async (payload: string) =>
      (
        await new AwsV4Signer({
          method: "POST",
          url,
          headers,
          body: payload,
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN,
          service: "lambda",
          region: env.AWS_REGION,
          datetime: request.headers.get("x-amz-date")!,
        }).sign()
      ).headers.get("authorization");
    expect(await resign(received)).toBe(request.headers.get("authorization"));
    expect(await resign(JSON.stringify({ amountCents: 100_000 }))).not.toBe(
      request.headers.get("authorization"),
    );
  });
});
