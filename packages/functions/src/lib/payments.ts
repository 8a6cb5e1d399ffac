import {
  CircuitBreaker,
  createHttpPaymentProvider,
  type PaymentProvider,
  withCircuitBreaker,
} from "@orders/core/payment";
import { Resource } from "./resource";
import { iamSignedFetch } from "./signed-fetch";

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

export { iamSignedFetch };

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
