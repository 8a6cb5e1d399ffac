import { Delivery, type SendRequest } from "./schema";

// The port the notifier sends through, and its HTTP adapter for the sandbox
// provider's API (Resource.NotificationProvider.url) or any provider speaking
// it. Every send carries an idempotency key: the provider delivers a key once.
// 5xx, 429, timeouts and network errors are NotificationProviderUnavailable;
// other 4xx (a reused key with another body, a malformed message) are
// NotificationRejected. Either fails the queue record, which is retried and
// then dead-lettered.

export interface NotificationSender {
  send(message: SendRequest, idempotencyKey: string): Promise<Delivery>;
}

export class NotificationProviderUnavailable extends Error {
  override name = "NotificationProviderUnavailable";
}

export class NotificationRejected extends Error {
  override name = "NotificationRejected";
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface HttpNotificationProviderOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createHttpNotificationProvider(
  options: HttpNotificationProviderOptions,
): NotificationSender {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async send(message, idempotencyKey) {
      let response: Response;
      try {
        response = await fetchImpl(`${base}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new NotificationProviderUnavailable(
          `notification provider unreachable: ${(error as Error).message}`,
        );
      }
      const text = await response.text().catch(() => "");
      let json: Record<string, unknown> = {};
      try {
        json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // a non-JSON error page
      }
      const said = String(json.message ?? (text.slice(0, 200) || "no body"));
      if (response.status >= 500 || response.status === 429)
        throw new NotificationProviderUnavailable(
          `notification provider ${response.status}: ${said}`,
        );
      if (response.status < 200 || response.status >= 300)
        throw new NotificationRejected(said, String(json.code ?? "REJECTED"), response.status);
      return Delivery.parse(json.delivery);
    },
  };
}
