import { type PaymentProvider, ProviderRejected, ProviderUnavailable } from "./provider";
import { Authorization, type AuthorizeRequest, OrderLedger } from "./schema";

// HTTP adapter of the PaymentProvider port: speaks the sandbox provider's API
// (Resource.PaymentProvider.url). A decline is an answer, not an error (402
// carries the declined authorisation); 5xx, timeouts and network errors are
// ProviderUnavailable; other 4xx are ProviderRejected.

export interface HttpProviderOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createHttpPaymentProvider(options: HttpProviderOptions): PaymentProvider {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;

  async function call(method: string, path: string, body?: unknown, idempotencyKey?: string) {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderUnavailable(`payment provider unreachable: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => "");
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // a non-JSON error page
    }
    if (response.status >= 500 || response.status === 429) {
      throw new ProviderUnavailable(
        `payment provider ${response.status}: ${String(json.message ?? (text.slice(0, 200) || "no body"))}`,
      );
    }
    return { status: response.status, json };
  }

  const authorization = (json: Record<string, unknown>) =>
    Authorization.parse(json.authorization ?? json);

  async function mutate(path: string, body: unknown, key: string) {
    const { status, json } = await call("POST", path, body, key);
    if (status >= 200 && status < 300) return authorization(json);
    const parsed = Authorization.safeParse(json.authorization);
    throw new ProviderRejected(
      String(json.message ?? `payment provider ${status}`),
      String(json.code ?? "REJECTED"),
      status,
      parsed.success ? parsed.data : undefined,
    );
  }

  return {
    async authorize(request: AuthorizeRequest, key: string) {
      const { status, json } = await call("POST", "/v1/authorizations", request, key);
      if ((status >= 200 && status < 300) || status === 402) return authorization(json);
      throw new ProviderRejected(
        String(json.message ?? status),
        String(json.code ?? "REJECTED"),
        status,
      );
    },
    capture: (id, amountCents, key) =>
      mutate(
        `/v1/authorizations/${encodeURIComponent(id)}/capture`,
        amountCents ? { amountCents } : {},
        key,
      ),
    void: (id, key) => mutate(`/v1/authorizations/${encodeURIComponent(id)}/void`, {}, key),
    refund: (id, amountCents, key) =>
      mutate(
        `/v1/authorizations/${encodeURIComponent(id)}/refund`,
        amountCents ? { amountCents } : {},
        key,
      ),
    async ledger(orderId: string) {
      const { status, json } = await call(
        "GET",
        `/v1/ledger?orderId=${encodeURIComponent(orderId)}`,
      );
      if (status !== 200)
        throw new ProviderRejected(String(json.message ?? status), String(json.code), status);
      return OrderLedger.parse(json);
    },
  };
}
