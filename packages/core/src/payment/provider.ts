import type { Authorization, AuthorizeRequest, OrderLedger } from "./schema";

// The port the pipeline talks to a payment provider through. Every call
// carries an idempotency key, like a real provider's API, so a retried call
// can never charge twice. Adapters: http-provider.ts (the sandbox service, or
// any provider speaking the same API).

export interface PaymentProvider {
  /** Resolves with the authorisation, declined or not; rejects only on failure. */
  authorize(request: AuthorizeRequest, idempotencyKey: string): Promise<Authorization>;
  capture(
    authorizationId: string,
    amountCents: number | undefined,
    idempotencyKey: string,
  ): Promise<Authorization>;
  void(authorizationId: string, idempotencyKey: string): Promise<Authorization>;
  refund(
    authorizationId: string,
    amountCents: number | undefined,
    idempotencyKey: string,
  ): Promise<Authorization>;
  ledger(orderId: string): Promise<OrderLedger>;
}

/** The provider could not answer (outage, 5xx, timeout, network): retry later. */
export class ProviderUnavailable extends Error {
  override name = "ProviderUnavailable";
}

/** The provider answered no (invalid state, bad request): retrying will not help. */
export class ProviderRejected extends Error {
  override name = "ProviderRejected";
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly authorization?: Authorization,
  ) {
    super(message);
  }
}

/** Stable idempotency keys: one authorisation, capture, void and refund per order. */
export const providerKeys = {
  authorize: (orderId: string) => `authorize:${orderId}`,
  capture: (orderId: string) => `capture:${orderId}`,
  void: (orderId: string) => `void:${orderId}`,
  refund: (orderId: string) => `refund:${orderId}`,
};
