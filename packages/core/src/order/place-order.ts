import { z } from "zod";
import { DomainError } from "../errors";
import { journalEntry } from "../journal";
import { orderIdFor, requestHash } from "./identity";
import { correlationGsi, customerGsi, orderKey, statusGsi } from "./keys";
import { type FlagPolicy, type PricedSku, priceOrder } from "./pricing";
import { createOrder, type OrdersDb } from "./repository";
import { MAX_BODY_BYTES, type OrderRecord, PlaceOrderRequest } from "./schema";

// Seed §3: accept fast and durably. Validate, price from the inventory, then
// ONE conditional put. The ingress publishes nothing: the table's stream is the
// outbox (seed §8.2), so an accepted order's OrderPlaced cannot be lost even if
// the function dies right after this write.

export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, "1–128 printable ASCII characters without spaces");
export const CorrelationId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, "1–128 characters: letters, digits, . _ : -");

export interface PlaceOrderCommand {
  customerId: string;
  /** The Idempotency-Key header, if the client sent one. */
  idempotencyKey: string | undefined;
  /** API Gateway's request id: the key when the client sent none. */
  requestId: string;
  /** The X-Correlation-Id header, if any. */
  correlationId: string | undefined;
  /** The ingress invocation's X-Ray trace header (`_X_AMZN_TRACE_ID`), kept on the order. */
  traceHeader?: string;
  body: string | undefined;
  isBase64Encoded?: boolean;
}

export interface PlaceOrderDeps {
  db: OrdersDb;
  loadPrices: (skus: string[]) => Promise<ReadonlyMap<string, PricedSku>>;
  policy: FlagPolicy;
  now?: () => Date;
  newCorrelationId: () => string;
}

export interface Accepted {
  orderId: string;
  status: "ACCEPTED";
  statusUrl: string;
  correlationId: string;
  /** True when this request repeated an earlier one (same key, same body). */
  duplicate: boolean;
}

export const statusUrlFor = (orderId: string) => `/api/orders/${orderId}`;

const fail = (code: string, message: string, status: number, details?: unknown): never => {
  throw new DomainError(code, message, status, details);
};

/** Parse the body: size, JSON, schema. Throws a 4xx DomainError. */
export function parsePlaceOrderBody(body: string | undefined, isBase64Encoded = false) {
  if (!body) return fail("BODY_REQUIRED", "The request needs a JSON body", 400);
  const text = isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    fail("PAYLOAD_TOO_LARGE", `The body exceeds ${MAX_BODY_BYTES} bytes`, 413);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail("INVALID_JSON", "The body is not valid JSON", 400);
  }
  const parsed = PlaceOrderRequest.safeParse(json);
  if (!parsed.success) {
    return fail(
      "VALIDATION_FAILED",
      "The order is not valid",
      400,
      parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
        code: issue.code,
      })),
    );
  }
  return parsed.data;
}

export async function placeOrder(
  deps: PlaceOrderDeps,
  command: PlaceOrderCommand,
): Promise<Accepted> {
  if (!command.customerId) fail("UNAUTHORIZED", "No authenticated customer", 401);
  if (
    command.idempotencyKey !== undefined &&
    !IdempotencyKey.safeParse(command.idempotencyKey).success
  ) {
    fail(
      "INVALID_IDEMPOTENCY_KEY",
      "Idempotency-Key: 1–128 printable ASCII characters without spaces",
      400,
    );
  }
  if (
    command.correlationId !== undefined &&
    !CorrelationId.safeParse(command.correlationId).success
  ) {
    fail(
      "INVALID_CORRELATION_ID",
      "X-Correlation-Id: 1–128 characters: letters, digits, . _ : -",
      400,
    );
  }
  const request = parsePlaceOrderBody(command.body, command.isBase64Encoded);
  const prices = await deps.loadPrices(request.lines.map((line) => line.sku));
  const priced = priceOrder(request, prices, deps.policy);

  const idempotencyKey = command.idempotencyKey ?? command.requestId;
  const orderId = orderIdFor(command.customerId, idempotencyKey);
  const correlationId = command.correlationId ?? deps.newCorrelationId();
  const now = (deps.now?.() ?? new Date()).toISOString();
  const hash = requestHash(request);

  const order: OrderRecord = {
    ...orderKey(orderId),
    sk: "META",
    entity: "ORDER",
    orderId,
    customerId: command.customerId,
    idempotencyKey,
    requestHash: hash,
    correlationId,
    ...(command.traceHeader ? { traceHeader: command.traceHeader } : {}),
    status: "ACCEPTED",
    lines: priced.lines,
    totalCents: priced.totalCents,
    currency: request.currency,
    flagged: priced.flagged,
    reviewReason: priced.reviewReason,
    payment: { method: "card", token: request.payment.card },
    ...(request.shippingAddress ? { shippingAddress: request.shippingAddress } : {}),
    ...(request.note ? { note: request.note } : {}),
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
    journal: [
      journalEntry({
        at: now,
        kind: "ACCEPTED",
        message: priced.flagged
          ? `Order accepted; flagged for review: ${priced.reviewReason}`
          : "Order accepted",
        correlationId,
        actor: "ingress",
        data: {
          totalCents: priced.totalCents,
          currency: request.currency,
          lines: priced.lines.length,
        },
      }),
    ],
  };
  const item = {
    ...order,
    ...statusGsi("ACCEPTED", now, orderId),
    ...customerGsi(command.customerId, now, orderId),
    ...correlationGsi(correlationId, orderId),
  };

  const result = await createOrder(deps.db, item);
  if (result.outcome === "created") {
    return {
      orderId,
      status: "ACCEPTED",
      statusUrl: statusUrlFor(orderId),
      correlationId,
      duplicate: false,
    };
  }
  if (result.existing.requestHash !== hash) {
    fail(
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was already used with a different request body",
      422,
      { orderId },
    );
  }
  // Same key, same body: the same answer the first caller got.
  return {
    orderId,
    status: "ACCEPTED",
    statusUrl: statusUrlFor(orderId),
    correlationId: result.existing.correlationId,
    duplicate: true,
  };
}
