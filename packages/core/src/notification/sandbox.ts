import { createHash, randomUUID } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { canonicalJson } from "../order/identity";
import { getStoredAnswer, putDelivery, putRequest, queryLedger } from "./sandbox-ledger";
import { Delivery, type LedgerRequest, type NotificationLedger, SendRequest } from "./schema";

// The sandbox notification provider: a separate service with its own ledger
// (NotificationLedgerTable), behaving like a real email/SMS API with
// idempotency keys. The delivery and the key's stored answer are written in
// one transaction, so a key delivers at most once however many requests carry
// it, concurrent or not: the same key answers the stored response again; the
// same key with another body is refused (409). A request without a key is a
// delivery of its own, as with a provider that has no keys. Every answered
// request is recorded apart from the deliveries, so the ledger shows N
// requests and one delivery per key. Outages and latency are not its concern:
// the local cloud applies them in front of its URL. The ledger's reads and
// writes are in ./sandbox-ledger.ts.

export interface NotificationSandboxDeps {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
  now?: () => Date;
}

export interface NotificationSandboxResponse {
  status: number;
  body: Record<string, unknown>;
  /** The key's stored answer, sent again (the `Idempotent-Replayed` header). */
  replayed?: boolean;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const error = (status: number, code: string, message: string): NotificationSandboxResponse => ({
  status,
  body: { code, message },
});

export const deliveryIdFor = (idempotencyKey: string) =>
  `ntf_${sha256(idempotencyKey).slice(0, 24)}`;

export function createNotificationSandbox(deps: NotificationSandboxDeps) {
  const now = () => (deps.now?.() ?? new Date()).toISOString();

  /** The key's stored answer, replayed; 409 if it answered another message. */
  async function storedResponse(key: string, hash: string) {
    const stored = await getStoredAnswer(deps, key);
    if (!stored) return undefined;
    if (stored.requestHash !== hash)
      return error(
        409,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used with a different message",
      );
    return { status: stored.status, body: stored.body, replayed: true };
  }

  const recordRequest = (request: Omit<LedgerRequest, "id" | "receivedAt">) =>
    putRequest(deps, { ...request, id: randomUUID(), receivedAt: now() });

  /** POST /v1/messages */
  async function send(
    body: unknown,
    key: string | undefined,
  ): Promise<NotificationSandboxResponse> {
    const parsed = SendRequest.safeParse(body);
    if (!parsed.success) return error(400, "INVALID_REQUEST", parsed.error.message);
    const message = parsed.data;
    const hash = sha256(canonicalJson(message));
    const answered = async (response: NotificationSandboxResponse, deliveryId?: string) => {
      await recordRequest({
        reference: message.reference,
        ...(key ? { idempotencyKey: key } : {}),
        outcome:
          response.status === 409 ? "conflict" : response.replayed ? "replayed" : "delivered",
        status: response.status,
        ...(deliveryId ? { deliveryId } : {}),
      });
      return response;
    };
    const deliveryOf = (response: NotificationSandboxResponse) =>
      (response.body.delivery as { id?: string } | undefined)?.id;

    if (key) {
      const stored = await storedResponse(key, hash);
      if (stored) return answered(stored, deliveryOf(stored));
    }
    const delivery = Delivery.parse({
      ...message,
      id: key ? deliveryIdFor(key) : `ntf_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      ...(key ? { idempotencyKey: key } : {}),
      deliveredAt: now(),
    });
    const response: NotificationSandboxResponse = { status: 202, body: { delivery } };
    const written = await putDelivery(
      deps,
      delivery,
      key
        ? { key, answer: { requestHash: hash, status: response.status, body: response.body } }
        : undefined,
    );
    if (!written.delivered) {
      // A concurrent request with the same key delivered first: answer what it answered.
      const winner = key ? await storedResponse(key, hash) : undefined;
      if (!winner) throw written.cancelled;
      return answered(winner, deliveryOf(winner));
    }
    return answered(response, delivery.id);
  }

  /** GET /v1/ledger?reference= */
  const ledger = (reference: string): Promise<NotificationLedger> => queryLedger(deps, reference);

  return { send, ledger };
}

export type NotificationSandbox = ReturnType<typeof createNotificationSandbox>;
