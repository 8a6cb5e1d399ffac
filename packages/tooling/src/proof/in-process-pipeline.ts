import { randomUUID } from "node:crypto";
import { CreateTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { recordPendingApproval } from "@orders/core/approval";
import {
  loadPrices,
  releaseInventory,
  reserveInventory,
  seedCatalog,
} from "@orders/core/inventory";
import {
  createHttpNotificationProvider,
  impliedNotifications,
  notifyCustomer,
} from "@orders/core/notification";
import { placeOrder, requireOrder } from "@orders/core/order";
import {
  authorizeOrderPayment,
  capturePayment,
  createHttpPaymentProvider,
  voidPayment,
} from "@orders/core/payment";
import { cancelOrder, claimOrder, completeOrder } from "@orders/core/saga";
import { createTableInput } from "@orders/core/testing";
import { orderPolicy, tables } from "@orders/core/topology";

// The pipeline's domain steps run in-process, in the saga's order, against
// real DynamoDB tables and the real sandbox provider (its Hono app called
// directly): a quick way to produce a stored state that the real system could
// have produced, for tests of the invariant checker.

export interface ProofTables {
  OrdersTable: string;
  InventoryTable: string;
  PaymentLedgerTable: string;
  NotificationLedgerTable: string;
}

/** Fresh tables named `<prefix>-<Role>` (no streams: nothing reads them here). */
export async function createProofTables(client: DynamoDBClient, prefix: string) {
  const names: ProofTables = {
    OrdersTable: `${prefix}-OrdersTable`,
    InventoryTable: `${prefix}-InventoryTable`,
    PaymentLedgerTable: `${prefix}-PaymentLedgerTable`,
    NotificationLedgerTable: `${prefix}-NotificationLedgerTable`,
  };
  for (const role of Object.keys(names) as (keyof ProofTables)[]) {
    const { stream: _stream, ...spec } = tables[role] as (typeof tables)[keyof ProofTables] & {
      stream?: string;
    };
    await client.send(new CreateTableCommand(createTableInput(names[role], spec)));
  }
  return names;
}

export async function inProcessPipeline(doc: DynamoDBDocumentClient, names: ProofTables) {
  // Imported late: the handlers' logger reads its level from the env at import.
  const { createPaymentSandboxApp } = await import("@orders/functions/payment-sandbox");
  const sandbox = createPaymentSandboxApp({ doc, ledgerTable: names.PaymentLedgerTable });
  const provider = createHttpPaymentProvider({
    baseUrl: "http://sandbox.invalid",
    fetch: (input, init) => Promise.resolve(sandbox.fetch(new Request(input, init))),
  });
  const { createNotificationSandboxApp } = await import("@orders/functions/notification-sandbox");
  const notificationSandbox = createNotificationSandboxApp({
    doc,
    ledgerTable: names.NotificationLedgerTable,
  });
  const sender = createHttpNotificationProvider({
    baseUrl: "http://notifications.invalid",
    fetch: (input, init) => Promise.resolve(notificationSandbox.fetch(new Request(input, init))),
  });
  const db = { doc, ordersTable: names.OrdersTable, inventoryTable: names.InventoryTable };
  const payments = { doc, ordersTable: names.OrdersTable, provider };

  async function place(lines: { sku: string; quantity: number }[], card = "tok_approve") {
    const accepted = await placeOrder(
      {
        db,
        loadPrices: (skus) => loadPrices(db, skus),
        policy: orderPolicy,
        newCorrelationId: () => randomUUID(),
      },
      {
        customerId: "proof-customer",
        idempotencyKey: randomUUID(),
        requestId: randomUUID(),
        correlationId: undefined,
        body: JSON.stringify({ lines, payment: { card } }),
      },
    );
    return accepted.orderId;
  }

  /** Claim, reserve, authorise; then capture + complete, or wait for approval, or compensate. */
  async function runSaga(orderId: string, executionArn = `arn:exec:${randomUUID()}`) {
    const step = { orderId, correlationId: "proof", executionArn };
    const { claimed, lines } = await claimOrder(db, step);
    if (!claimed) return "duplicate" as const;
    try {
      await reserveInventory(db, { ...step, lines });
      await authorizeOrderPayment(payments, step);
      const order = await import("@orders/core/order").then((m) => m.requireOrder(db, orderId));
      if (order.flagged) {
        await recordPendingApproval(db, {
          orderId,
          correlationId: "proof",
          customerId: order.customerId,
          totalCents: order.totalCents,
          currency: order.currency,
          reason: order.reviewReason,
          requestedAt: new Date().toISOString(),
          timeoutSeconds: 3_600,
          taskToken: `token-${orderId}`,
        });
        return "awaiting-approval" as const;
      }
      await capturePayment(payments, step);
      await completeOrder(db, step);
      return "fulfilled" as const;
    } catch (error) {
      const failed = { ...step, error: { Error: (error as Error).name } };
      await voidPayment(payments, failed);
      await releaseInventory(db, failed);
      await cancelOrder(db, failed);
      return "cancelled" as const;
    }
  }

  /** Every notification the order's events so far imply, as the notifier sends them. */
  async function notify(orderId: string) {
    const order = await requireOrder(db, orderId);
    for (const n of impliedNotifications(order)) {
      await notifyCustomer(
        { db, sender },
        {
          eventId: `${orderId}:${n.status}`,
          orderId,
          correlationId: order.correlationId,
          customerId: order.customerId,
          channel: n.channel,
          status: n.status,
          totalCents: order.totalCents,
          currency: order.currency,
        },
      );
    }
  }

  return {
    db,
    provider,
    sender,
    notify,
    seed: () => seedCatalog(db),
    place,
    runSaga,
  };
}
