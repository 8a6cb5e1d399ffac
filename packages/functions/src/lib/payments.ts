import {
  CircuitBreaker,
  createHttpPaymentProvider,
  type PaymentProvider,
  withCircuitBreaker,
} from "@orders/core/payment";
import { Resource } from "./resource";

// The payment provider as the pipeline reaches it: the HTTP adapter on the
// PaymentProvider link's url, behind one circuit breaker per container (seed
// §9.4: fail fast while the provider is down instead of piling on retries).

export const providerBreaker = new CircuitBreaker({
  failureThreshold: Number(process.env.PAYMENT_BREAKER_THRESHOLD ?? 5),
  cooldownMs: Number(process.env.PAYMENT_BREAKER_COOLDOWN_MS ?? 30_000),
});

let provider: PaymentProvider | undefined;
export function paymentProvider(): PaymentProvider {
  provider ??= withCircuitBreaker(
    createHttpPaymentProvider({ baseUrl: Resource.PaymentProvider.url, timeoutMs: 8_000 }),
    providerBreaker,
  );
  return provider;
}
