import {
  CircuitBreaker,
  createHttpPaymentProvider,
  type PaymentProvider,
  withCircuitBreaker,
} from "@orders/core/payment";
import { AwsClient } from "aws4fetch";
import { Resource } from "./resource";

// The payment provider as the pipeline reaches it: the HTTP adapter on the
// PaymentProvider link's url, behind one circuit breaker per container (seed
// §9.4: fail fast while the provider is down instead of piling on retries).
// On AWS the sandbox is a function URL with IAM auth (`auth: "iam"`): every
// request is SigV4-signed with the calling function's own role, which the
// link grants lambda:InvokeFunctionUrl on that one function. The local cloud's
// URL is loopback-only and links no `auth`.

export const providerBreaker = new CircuitBreaker({
  failureThreshold: Number(process.env.PAYMENT_BREAKER_THRESHOLD ?? 5),
  cooldownMs: Number(process.env.PAYMENT_BREAKER_COOLDOWN_MS ?? 30_000),
});

/** fetch, SigV4-signed for a Lambda function URL with the role's credentials from the environment. */
export const iamSignedFetch = (env: NodeJS.ProcessEnv = process.env): typeof fetch => {
  return async (input, init) => {
    const signer = new AwsClient({
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      service: "lambda",
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      retries: 0, // retrying is the circuit breaker's and the queue's job, not the signer's
    });
    return fetch(await signer.sign(input instanceof URL ? input.href : input, init));
  };
};

let provider: PaymentProvider | undefined;
export function paymentProvider(): PaymentProvider {
  const link = Resource.PaymentProvider;
  provider ??= withCircuitBreaker(
    createHttpPaymentProvider({
      baseUrl: link.url,
      timeoutMs: 8_000,
      ...(link.auth === "iam" ? { fetch: iamSignedFetch() } : {}),
    }),
    providerBreaker,
  );
  return provider;
}
