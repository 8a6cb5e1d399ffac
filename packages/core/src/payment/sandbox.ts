import { createHash } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { canonicalJson } from "../order/identity";
import * as Ledger from "./sandbox-ledger";
import { AmountRequest, type Authorization, AuthorizeRequest, type OrderLedger } from "./schema";
import { cardBehaviour, countsAttempts } from "./test-cards";

// The sandbox payment provider: a separate service with its own ledger
// (PaymentLedgerTable), behaving like a real provider's test mode. Every
// mutating call is idempotent on its Idempotency-Key: the first response is
// stored and replayed; the same key with a different body is refused.
// Transient failures (503) are not stored, so a retry can succeed. The
// ledger's reads and writes are in ./sandbox-ledger.ts.

export interface SandboxDeps {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface SandboxResponse {
  status: number;
  body: Record<string, unknown>;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const error = (
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) => ({ status, body: { code, message, ...extra } }) satisfies SandboxResponse;

export const authorizationIdFor = (idempotencyKey: string) =>
  `auth_${sha256(idempotencyKey).slice(0, 24)}`;

export function createSandbox(deps: SandboxDeps) {
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function storedResponse(key: string, hash: string): Promise<SandboxResponse | undefined> {
    const stored = await Ledger.getStoredAnswer(deps, key);
    if (!stored) return undefined;
    if (stored.requestHash !== hash) {
      return error(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used with a different request",
      );
    }
    return { status: stored.status, body: stored.body };
  }

  const answer = (hash: string, operation: string, response: SandboxResponse) => ({
    requestHash: hash,
    operation,
    status: response.status,
    body: response.body,
    createdAt: now(),
  });

  const getAuthorization = (authId: string) => Ledger.getAuthorization(deps, authId);

  /** POST /v1/authorizations */
  async function authorize(body: unknown, key: string | undefined): Promise<SandboxResponse> {
    if (!key) return error(400, "IDEMPOTENCY_KEY_REQUIRED", "Send an Idempotency-Key header");
    const parsed = AuthorizeRequest.safeParse(body);
    if (!parsed.success) return error(400, "INVALID_REQUEST", parsed.error.message);
    const request = parsed.data;
    const hash = sha256(canonicalJson({ op: "authorize", ...request }));
    const stored = await storedResponse(key, hash);
    if (stored) return stored;

    let attempt = 1;
    if (countsAttempts(request.card))
      attempt = await Ledger.countAttempt(deps, request.orderId, request.card);
    const behaviour = cardBehaviour(request.card, attempt);
    if (behaviour.kind === "unavailable") {
      return error(503, "PROVIDER_UNAVAILABLE", `Transient failure (attempt ${attempt}); retry`);
    }
    if (behaviour.kind === "approve" && behaviour.delayMs > 0) await sleep(behaviour.delayMs);

    const at = now();
    const authorization: Authorization = {
      id: authorizationIdFor(key),
      orderId: request.orderId,
      amountCents: request.amountCents,
      currency: request.currency,
      card: request.card,
      status: behaviour.kind === "approve" ? "authorized" : "declined",
      ...(behaviour.kind === "decline" ? { declineCode: behaviour.declineCode } : {}),
      capturedCents: 0,
      refundedCents: 0,
      createdAt: at,
      updatedAt: at,
      history: [
        {
          at,
          operation: "authorize",
          amountCents: request.amountCents,
          idempotencyKey: key,
          outcome:
            behaviour.kind === "approve" ? "authorized" : `declined:${behaviour.declineCode}`,
        },
      ],
    };
    const response: SandboxResponse =
      behaviour.kind === "approve"
        ? { status: 201, body: { authorization } }
        : {
            status: 402,
            body: {
              code: "CARD_DECLINED",
              message: `Card declined: ${behaviour.declineCode}`,
              authorization,
            },
          };
    if (
      await Ledger.putAuthorization(deps, authorization, key, answer(hash, "authorize", response))
    )
      return response;
    // A concurrent request with the same key won: answer what it answered.
    const winner = await storedResponse(key, hash);
    if (winner) return winner;
    return error(409, "CONCURRENT_REQUEST", "A request with this key is in progress; retry");
  }

  const transitions = {
    capture: { from: ["authorized"], to: "captured" },
    void: { from: ["authorized"], to: "voided" },
    refund: { from: ["captured"], to: "refunded" },
  } as const;

  /** POST /v1/authorizations/:id/{capture|void|refund} */
  async function mutate(
    operation: keyof typeof transitions,
    authId: string,
    body: unknown,
    key: string | undefined,
  ): Promise<SandboxResponse> {
    if (!key) return error(400, "IDEMPOTENCY_KEY_REQUIRED", "Send an Idempotency-Key header");
    const parsed = AmountRequest.safeParse(body ?? {});
    if (!parsed.success) return error(400, "INVALID_REQUEST", parsed.error.message);
    const hash = sha256(canonicalJson({ op: operation, authId, ...parsed.data }));
    const stored = await storedResponse(key, hash);
    if (stored) return stored;

    const current = await getAuthorization(authId);
    if (!current) return error(404, "NOT_FOUND", `No authorisation ${authId}`);
    const rule = transitions[operation];
    if (!(rule.from as readonly string[]).includes(current.status)) {
      const response = error(
        409,
        "INVALID_STATE",
        `Cannot ${operation} an authorisation that is ${current.status}`,
        {
          authorization: current,
        },
      );
      await Ledger.putStoredAnswer(deps, key, answer(hash, operation, response));
      return response;
    }
    const amount =
      parsed.data.amountCents ??
      (operation === "refund" ? current.capturedCents : current.amountCents);
    if (amount > current.amountCents) return error(400, "AMOUNT_TOO_LARGE", "More than authorised");
    const at = now();
    const next: Authorization = {
      ...current,
      status: rule.to,
      updatedAt: at,
      ...(operation === "capture" ? { capturedCents: amount } : {}),
      ...(operation === "refund" ? { refundedCents: amount } : {}),
      history: [
        ...current.history,
        {
          at,
          operation,
          amountCents: operation === "void" ? 0 : amount,
          idempotencyKey: key,
          outcome: rule.to,
        },
      ],
    };
    const response: SandboxResponse = { status: 200, body: { authorization: next } };
    if (
      await Ledger.replaceAuthorization(
        deps,
        next,
        current.status,
        key,
        answer(hash, operation, response),
      )
    )
      return response;
    const winner = await storedResponse(key, hash);
    if (winner) return winner;
    return mutate(operation, authId, body, key); // state moved under us: re-evaluate
  }

  /** GET /v1/ledger?orderId= */
  async function ledger(orderId: string): Promise<OrderLedger> {
    return { orderId, authorizations: await Ledger.queryAuthorizations(deps, orderId) };
  }

  return {
    authorize,
    capture: (authId: string, body: unknown, key: string | undefined) =>
      mutate("capture", authId, body, key),
    void: (authId: string, body: unknown, key: string | undefined) =>
      mutate("void", authId, body, key),
    refund: (authId: string, body: unknown, key: string | undefined) =>
      mutate("refund", authId, body, key),
    getAuthorization,
    ledger,
  };
}

export type Sandbox = ReturnType<typeof createSandbox>;
