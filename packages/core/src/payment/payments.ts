import { DomainError } from "../errors";
import { journalEntry } from "../journal";
import { paymentKey } from "../order/keys";
import { formatCents } from "../order/pricing";
import {
  PaymentDeclined,
  PaymentNotCapturable,
  PaymentPending,
  TransientError,
} from "../saga/errors";
import { CircuitOpenError } from "./circuit-breaker";
import {
  type PaymentProvider,
  ProviderRejected,
  ProviderUnavailable,
  providerKeys,
} from "./provider";
import {
  getOrderAndPayment,
  getPayment,
  movePayment,
  type PaymentsDb,
  putPayment,
} from "./repository";
import type { Authorization, PaymentStatus } from "./schema";

// The pipeline's side of payments: the payment worker authorises (seed §6),
// the saga captures, and compensation voids or refunds. The PAYMENT item is
// the single source of truth; each transition is a conditional write
// (./repository.ts), and every provider call (./provider.ts) carries an
// idempotency key per (order, operation).

export interface PaymentsDeps extends PaymentsDb {
  provider: PaymentProvider;
  now?: () => Date;
}

interface Step {
  orderId: string;
  correlationId: string;
}

const nowIso = (deps: PaymentsDeps) => (deps.now?.() ?? new Date()).toISOString();

export type AuthorizeOutcome =
  | { outcome: "authorized" | "declined"; authorizationId: string }
  | { outcome: "already-recorded"; status: PaymentStatus }
  | { outcome: "skipped-voided" }
  | { outcome: "late-authorization-voided"; authorizationId: string };

/**
 * Payment worker: authorise the order's amount once and record the outcome.
 * If the saga already gave up (tombstone), nothing is authorised; if it gave
 * up while we were authorising, the late authorisation is voided.
 */
export async function authorizeOrderPayment(
  deps: PaymentsDeps,
  step: Step,
): Promise<AuthorizeOutcome> {
  const { order, payment: existing } = await getOrderAndPayment(deps, step.orderId);
  if (existing?.tombstone) {
    // An earlier attempt may have authorised and died before recording it.
    const voided = await voidLiveAuthorizations(deps, step, "payment-worker");
    return voided
      ? { outcome: "late-authorization-voided", authorizationId: voided }
      : { outcome: "skipped-voided" };
  }
  if (existing) return { outcome: "already-recorded", status: existing.status };

  if (!order) throw new DomainError("ORDER_NOT_FOUND", `Order ${step.orderId} does not exist`, 404);
  const authorization = await deps.provider.authorize(
    {
      orderId: order.orderId,
      amountCents: order.totalCents,
      currency: order.currency,
      card: order.payment.token,
    },
    providerKeys.authorize(order.orderId),
  );
  const at = nowIso(deps);
  const declined = authorization.status === "declined";
  const recorded = await putPayment(deps, {
    ...paymentKey(step.orderId),
    sk: "PAYMENT",
    entity: "PAYMENT",
    orderId: step.orderId,
    status: declined ? "DECLINED" : "AUTHORIZED",
    authorizationId: authorization.id,
    amountCents: authorization.amountCents,
    currency: authorization.currency,
    ...(authorization.declineCode ? { declineCode: authorization.declineCode } : {}),
    createdAt: at,
    updatedAt: at,
    journal: [
      journalEntry({
        at,
        kind: declined ? "PAYMENT_DECLINED" : "PAYMENT_AUTHORISED",
        message: declined
          ? `Payment declined (${authorization.declineCode ?? "card_declined"})`
          : `Payment authorised: ${formatCents(authorization.amountCents, authorization.currency)}`,
        correlationId: step.correlationId,
        actor: "payment-worker",
        data: { authorizationId: authorization.id },
      }),
    ],
  });
  if (recorded)
    return { outcome: declined ? "declined" : "authorized", authorizationId: authorization.id };

  const current = await getPayment(deps, step.orderId);
  if (current?.tombstone && !current.authorizationId && !declined) {
    // The saga compensated while we were talking to the provider.
    await deps.provider.void(authorization.id, providerKeys.void(step.orderId));
    const entry = journalEntry({
      at: nowIso(deps),
      kind: "PAYMENT_VOIDED",
      message: "Late authorisation voided: the saga had already cancelled",
      correlationId: step.correlationId,
      actor: "payment-worker",
      data: { authorizationId: authorization.id },
    });
    await movePayment(deps, step.orderId, "VOIDED", "VOIDED", entry, {
      authorizationId: authorization.id,
    });
    return { outcome: "late-authorization-voided", authorizationId: authorization.id };
  }
  return { outcome: "already-recorded", status: current?.status ?? "AUTHORIZED" };
}

/**
 * After a tombstone: ask the provider for every authorisation it holds for the
 * order and void the live one. An authorisation whose recording was lost (the
 * worker died between the provider's answer and its write, or the write
 * failed) is otherwise invisible to us and would stay held on the card.
 * Returns the voided authorisation's id, recorded on the tombstone.
 */
async function voidLiveAuthorizations(
  deps: PaymentsDeps,
  step: Step,
  actor: string,
): Promise<string | undefined> {
  const ledger = await deps.provider.ledger(step.orderId).catch(translateProviderError);
  const live = ledger.authorizations.find((a) => a.status === "authorized");
  if (!live) return undefined;
  await deps.provider
    .void(live.id, providerKeys.void(step.orderId))
    .catch((error) =>
      error instanceof ProviderRejected && error.authorization?.status === "voided"
        ? error.authorization
        : translateProviderError(error),
    );
  const entry = journalEntry({
    at: nowIso(deps),
    kind: "PAYMENT_VOIDED",
    message: "Unrecorded authorisation found at the provider and voided: the saga had cancelled",
    correlationId: step.correlationId,
    actor,
    data: { authorizationId: live.id },
  });
  await movePayment(deps, step.orderId, "VOIDED", "VOIDED", entry, { authorizationId: live.id });
  return live.id;
}

const translateProviderError = (error: unknown): never => {
  if (error instanceof ProviderUnavailable || error instanceof CircuitOpenError) {
    throw new TransientError(error.message);
  }
  if (error instanceof ProviderRejected) throw new PaymentNotCapturable(error.message);
  throw error;
};

/** Saga: capture the authorised amount (PaymentPending until the worker has run). */
export async function capturePayment(
  deps: PaymentsDeps,
  step: Step,
): Promise<{ captureId: string }> {
  const payment = await getPayment(deps, step.orderId);
  if (!payment) throw new PaymentPending(`no authorisation for ${step.orderId} yet`);
  switch (payment.status) {
    case "CAPTURED":
      return { captureId: payment.authorizationId! };
    case "DECLINED":
      throw new PaymentDeclined(`card declined (${payment.declineCode ?? "card_declined"})`);
    case "VOIDED":
    case "REFUNDED":
      throw new PaymentNotCapturable(`payment is ${payment.status}`);
  }
  const authorizationId = payment.authorizationId!;
  let authorization: Authorization;
  try {
    authorization = await deps.provider.capture(
      authorizationId,
      payment.amountCents,
      providerKeys.capture(step.orderId),
    );
  } catch (error) {
    if (error instanceof ProviderRejected && error.authorization?.status === "captured") {
      authorization = error.authorization;
    } else {
      return translateProviderError(error);
    }
  }
  const entry = journalEntry({
    at: nowIso(deps),
    kind: "PAYMENT_CAPTURED",
    message: `Payment captured: ${formatCents(authorization.capturedCents, authorization.currency)}`,
    correlationId: step.correlationId,
    actor: "saga:capture-payment",
    data: { authorizationId },
  });
  if (!(await movePayment(deps, step.orderId, "AUTHORIZED", "CAPTURED", entry))) {
    const current = await getPayment(deps, step.orderId);
    if (current?.status !== "CAPTURED")
      throw new PaymentNotCapturable(`payment is ${current?.status}`);
  }
  return { captureId: authorizationId };
}

export type VoidOutcome = "voided" | "refunded" | "tombstoned" | "nothing-to-do";

/**
 * Compensation: void an authorisation, refund a capture, or — when nothing is
 * authorised yet — leave a tombstone so a late authorisation gets voided.
 * Idempotent: a second run finds the final state and does nothing.
 */
export async function voidPayment(
  deps: PaymentsDeps,
  step: Step,
): Promise<{ outcome: VoidOutcome }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const payment = await getPayment(deps, step.orderId);
    const at = nowIso(deps);
    if (!payment) {
      const placed = await putPayment(deps, {
        ...paymentKey(step.orderId),
        sk: "PAYMENT",
        entity: "PAYMENT",
        orderId: step.orderId,
        status: "VOIDED",
        tombstone: true,
        createdAt: at,
        updatedAt: at,
        journal: [
          journalEntry({
            at,
            kind: "PAYMENT_VOID_RECORDED",
            message: "No authorisation yet: recorded a void so a late one is voided",
            correlationId: step.correlationId,
            actor: "saga:void-payment",
          }),
        ],
      });
      if (!placed) continue; // the worker recorded an authorisation meanwhile: act on it
      // Tombstone first, then sweep: an authorisation the provider grants
      // after this sweep meets the tombstone when the worker records it.
      try {
        const voided = await voidLiveAuthorizations(deps, step, "saga:void-payment");
        return { outcome: voided ? "voided" : "tombstoned" };
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        // The provider is down: the worker's next delivery of the order's
        // payment message sweeps again (it runs until it has succeeded once).
        return { outcome: "tombstoned" };
      }
    }
    if (payment.status === "AUTHORIZED") {
      const authorizationId = payment.authorizationId!;
      // A refusal carries the provider's own state of the authorisation.
      const after = await deps.provider
        .void(authorizationId, providerKeys.void(step.orderId))
        .catch((error) =>
          error instanceof ProviderRejected && error.authorization
            ? error.authorization
            : translateProviderError(error),
        );
      if (after.status === "captured" || after.status === "refunded") {
        // A capture reached the provider but its answer never reached us (a
        // timeout): record what the provider holds, then refund it.
        const captured = journalEntry({
          at,
          kind: "PAYMENT_CAPTURED",
          message: `Capture found at the provider (its answer had been lost): ${formatCents(after.capturedCents, after.currency)}`,
          correlationId: step.correlationId,
          actor: "saga:void-payment",
          data: { authorizationId },
        });
        await movePayment(deps, step.orderId, "AUTHORIZED", "CAPTURED", captured);
        continue;
      }
      const entry = journalEntry({
        at,
        kind: "PAYMENT_VOIDED",
        message: "Authorisation voided",
        correlationId: step.correlationId,
        actor: "saga:void-payment",
        data: { authorizationId },
      });
      if (await movePayment(deps, step.orderId, "AUTHORIZED", "VOIDED", entry))
        return { outcome: "voided" };
      continue;
    }
    if (payment.status === "CAPTURED") {
      const authorizationId = payment.authorizationId!;
      await deps.provider
        .refund(authorizationId, payment.amountCents, providerKeys.refund(step.orderId))
        .catch((error) =>
          error instanceof ProviderRejected && error.authorization?.status === "refunded"
            ? error.authorization
            : translateProviderError(error),
        );
      const entry = journalEntry({
        at,
        kind: "PAYMENT_REFUNDED",
        message: "Capture refunded",
        correlationId: step.correlationId,
        actor: "saga:void-payment",
        data: { authorizationId },
      });
      if (await movePayment(deps, step.orderId, "CAPTURED", "REFUNDED", entry))
        return { outcome: "refunded" };
      continue;
    }
    return { outcome: "nothing-to-do" };
  }
  throw new TransientError(`payment for ${step.orderId} kept changing under the void`);
}
