import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { decideApproval, decisionIn, deliverDecision } from "@orders/core/approval";
import { eventFor } from "@orders/core/events";
import { seedCatalog, stockKey } from "@orders/core/inventory";
import { getOrder, getOrderDetails } from "@orders/core/order";
import type { OrderLedger } from "@orders/core/payment";
import { type DynamoDbLocal, linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import {
  type FunctionName,
  functions,
  orderPolicy,
  renderSaga,
  sagaFunctions,
} from "@orders/core/topology";
import { StateMachine } from "aws-local-stepfunctions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch } from "./lib/serve";
import { httpEvent, sqsEvent } from "./lib/test-events";

// The shared saga definition (fulfillment-saga.asl.json) executed by an ASL
// interpreter against these handlers, DynamoDB Local and the sandbox over
// HTTP: proves the payloads each step receives, the error names Retry and
// Catch match, and the compensation order, before the local cloud runs it.
// The approval is the real decideApproval, then the delivery ApprovalCallbacks
// makes from its stream record; only SendTask* is a stand-in that resumes the
// paused task.

let ddb: DynamoDbLocal;
let sandbox: Awaited<ReturnType<typeof serveFetch>>;
let notificationSandbox: Awaited<ReturnType<typeof serveFetch>>;
const handlers = {} as Record<FunctionName, (event: unknown) => Promise<unknown>>;
const definition = () =>
  renderSaga({
    ...Object.fromEntries(Object.keys(functions).map((name) => [name, name])),
    ApprovalsQueueUrl: "http://queue/approvals",
    ApprovalTimeoutSeconds: orderPolicy.approvalTimeoutSeconds,
    SagaTimeoutSeconds: orderPolicy.sagaTimeoutSeconds,
  });

/** Item writes the handlers make (the sandbox's ledger uses its own client). */
let itemWrites = 0;
/** The admin API decides with the same client kind; counting its write too. */
let adminDocuments: import("@aws-sdk/lib-dynamodb").DynamoDBDocumentClient;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  Object.assign(process.env, linkEnv({}, ddb.endpoint));
  const { dynamodb, documents } = await import("./lib/clients");
  adminDocuments = documents;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        TransactItems?: unknown[];
        RequestItems?: Record<string, unknown[]>;
      };
      const command = context.commandName ?? "";
      if (["PutItemCommand", "UpdateItemCommand", "DeleteItemCommand"].includes(command))
        itemWrites += 1;
      if (command === "TransactWriteItemsCommand") itemWrites += input.TransactItems?.length ?? 0;
      if (command === "BatchWriteItemCommand") {
        itemWrites += Object.values(input.RequestItems ?? {}).reduce(
          (n, items) => n + items.length,
          0,
        );
      }
      return next(args);
    },
    { step: "initialize", name: "countItemWrites" },
  );
  const { createPaymentSandboxApp } = await import("./payment-sandbox");
  sandbox = await serveFetch(
    createPaymentSandboxApp({ doc: ddb.doc, ledgerTable: ddb.tableNames.PaymentLedgerTable }).fetch,
  );
  const { createNotificationSandboxApp } = await import("./notification-sandbox");
  notificationSandbox = await serveFetch(
    createNotificationSandboxApp({
      doc: ddb.doc,
      ledgerTable: ddb.tableNames.NotificationLedgerTable,
    }).fetch,
  );
  Object.assign(
    process.env,
    linkEnv(
      {
        OrdersTable: { name: ddb.tableNames.OrdersTable },
        InventoryTable: { name: ddb.tableNames.InventoryTable },
        IdempotencyTable: { name: ddb.tableNames.IdempotencyTable },
        PaymentProvider: { url: sandbox.url },
        NotificationProvider: { url: notificationSandbox.url },
        OrderPolicy: orderPolicy,
      },
      ddb.endpoint,
    ),
  );
  await seedCatalog({ doc: ddb.doc, inventoryTable: ddb.tableNames.InventoryTable });
  for (const name of [
    ...sagaFunctions(),
    "Ingress",
    "PaymentWorker",
    "ApprovalsWorker",
    "Notifier",
  ] as FunctionName[]) {
    const file = functions[name].handler
      .replace("packages/functions/src/", "./")
      .replace(/\.handler$/, "");
    handlers[name] = (await import(/* @vite-ignore */ file)).handler;
  }
});
afterAll(async () => {
  await sandbox?.close();
  await notificationSandbox?.close();
  await ddb?.stop();
});

const db = () => ({ doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable });
const available = async (sku: string) =>
  (
    await ddb.doc.send(
      new GetCommand({ TableName: ddb.tableNames.InventoryTable, Key: stockKey(sku) }),
    )
  ).Item?.available as number;
const ledger = async (orderId: string) =>
  (await (await fetch(`${sandbox.url}/v1/ledger?orderId=${orderId}`)).json()) as OrderLedger;

async function placeOrder(lines: { sku: string; quantity: number }[], card = "tok_approve") {
  const result = (await handlers.Ingress(
    httpEvent({
      sub: "alice",
      body: { lines, payment: { card } },
      headers: { "idempotency-key": randomUUID() },
    }),
  )) as { statusCode: number; body: string };
  expect(result.statusCode).toBe(202);
  const order = (await getOrder(db(), JSON.parse(result.body).orderId))!;
  const entry = eventFor("INSERT", undefined, order)!;
  const event = {
    version: "0",
    id: randomUUID(),
    "detail-type": entry.DetailType,
    source: entry.Source,
    time: entry.Time.toISOString(),
    detail: JSON.parse(entry.Detail),
  };
  return { order, event };
}

type Decide = (decision: "APPROVE" | "REJECT") => Promise<void>;

/** Run the saga for an order as the OrderPlacedToSaga rule would ($.detail as input). */
function runSaga(
  event: { detail: Record<string, unknown> },
  options: { executionArn?: string; onApproval?: (decide: Decide) => Promise<void> } = {},
) {
  const executionArn =
    options.executionArn ?? `arn:aws:states:local:0:execution:saga:${randomUUID()}`;
  const taskToken = `token-${randomUUID()}`;
  const lambda = (name: FunctionName) => async (input: { Payload: unknown }) => ({
    Payload: await handlers[name](input.Payload),
    StatusCode: 200,
  });
  const machine = new StateMachine(definition() as never);
  const states = definition().States as Record<string, { Parameters?: { FunctionName?: string } }>;
  const local: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [state, spec] of Object.entries(states)) {
    const fn = spec.Parameters?.FunctionName as FunctionName | undefined;
    if (fn) local[state] = lambda(fn);
  }
  local.AwaitApproval = async (input: {
    QueueUrl: string;
    MessageBody: Record<string, unknown>;
  }) => {
    // The queue → approvals worker hop, then an operator's decision resumes the task.
    await handlers.ApprovalsWorker(
      sqsEvent([input.MessageBody], "arn:aws:sqs:local:0:ApprovalsQueue"),
    );
    let settle!: { resolve: (v: unknown) => void; reject: (e: Error) => void };
    const resumed = new Promise((resolve, reject) => (settle = { resolve, reject }));
    const sfn = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        expect(command.input.taskToken).toBe(taskToken);
        if (command.constructor.name === "SendTaskSuccessCommand")
          settle.resolve(JSON.parse(String(command.input.output)));
        else
          settle.reject(
            Object.assign(new Error(String(command.input.cause)), {
              name: String(command.input.error),
            }),
          );
        return {};
      },
    };
    const orderId = String(input.MessageBody.orderId);
    await options.onApproval?.(async (decision) => {
      const before = await getOrder(db(), orderId);
      await decideApproval(
        { db: { ...db(), doc: adminDocuments } },
        { orderId, decision, decidedBy: "olivia" },
      );
      // The decision write's stream record, as ApprovalCallbacks handles it.
      const toDeliver = decisionIn(before, await getOrder(db(), orderId));
      if (!toDeliver) throw new Error("the decision write carries no decision to deliver");
      await deliverDecision({ db: db(), sfn: sfn as never }, toDeliver);
    });
    return resumed;
  };
  const retryFast = Object.fromEntries(Object.keys(local).map((state) => [state, 20]));
  const execution = machine.run(event.detail as never, {
    overrides: { taskResourceLocalHandlers: local as never, retryIntervalOverrides: retryFast },
    context: {
      Execution: {
        Id: executionArn,
        Input: event.detail as never,
        StartTime: new Date().toISOString(),
      },
      State: { EnteredTime: new Date().toISOString(), Name: "AwaitApproval", RetryCount: 0 },
      Task: { Token: taskToken },
    },
  });
  return execution.result as Promise<Record<string, unknown>>;
}

describe("fulfilment saga (shared ASL)", () => {
  it("fulfils an order, waiting (PaymentPending) for the payment worker", async () => {
    const { order, event } = await placeOrder([{ sku: "SKU-KEYBOARD", quantity: 1 }]);
    const before = await available("SKU-KEYBOARD");
    const saga = runSaga(event);
    await new Promise((r) => setTimeout(r, 150));
    await handlers.PaymentWorker(sqsEvent([event]));
    const output = await saga;
    expect(output.claim).toEqual({ claimed: true, lines: [{ sku: "SKU-KEYBOARD", quantity: 1 }] });
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.order.status).toBe("FULFILLED");
    expect(await available("SKU-KEYBOARD")).toBe(before - 1);
    expect((await ledger(order.orderId)).authorizations[0]?.status).toBe("captured");
  });

  it("stops a second execution for the same order at the claim", async () => {
    const { order, event } = await placeOrder([{ sku: "SKU-MOUSE", quantity: 1 }]);
    await handlers.PaymentWorker(sqsEvent([event]));
    await runSaga(event);
    const duplicate = await runSaga(event);
    expect(duplicate.claim).toEqual({ claimed: false, lines: [] });
    expect((await getOrder(db(), order.orderId))?.status).toBe("FULFILLED");
  });

  it("cancels a declined order: voids nothing, releases stock, CANCELLED with the reason", async () => {
    const { order, event } = await placeOrder([{ sku: "SKU-CHAIR", quantity: 1 }], "tok_decline");
    const before = await available("SKU-CHAIR");
    await handlers.PaymentWorker(sqsEvent([event]));
    const output = await runSaga(event);
    expect(output.error).toMatchObject({ Error: "PaymentDeclined" });
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.order).toMatchObject({
      status: "CANCELLED",
      cancellation: { error: "PaymentDeclined" },
    });
    expect(await available("SKU-CHAIR")).toBe(before);
  });

  it("waits for an operator on a flagged order; approval fulfils it", async () => {
    const { order, event } = await placeOrder([{ sku: "SKU-WORKSTATION", quantity: 1 }]);
    expect(event.detail.flagged).toBe(true);
    await handlers.PaymentWorker(sqsEvent([event]));
    await runSaga(event, {
      onApproval: async (decide) => {
        expect((await getOrder(db(), order.orderId))?.status).toBe("AWAITING_APPROVAL");
        await decide("APPROVE");
      },
    });
    const details = (await getOrderDetails(db(), order.orderId))!;
    expect(details.order).toMatchObject({
      status: "FULFILLED",
      approval: { status: "APPROVED", decidedBy: "olivia" },
    });
    expect(details.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        "APPROVAL_REQUESTED",
        "APPROVAL_DECIDED",
        "PAYMENT_CAPTURED",
        "FULFILLED",
      ]),
    );
  });

  it("rejection compensates: the authorisation is voided, stock released, order CANCELLED", async () => {
    const { order, event } = await placeOrder([{ sku: "SKU-WORKSTATION", quantity: 1 }]);
    const before = await available("SKU-WORKSTATION");
    await handlers.PaymentWorker(sqsEvent([event]));
    const output = await runSaga(event, { onApproval: (decide) => decide("REJECT") });
    expect(output.error).toMatchObject({ Error: "Rejected" });
    expect(await getOrder(db(), order.orderId)).toMatchObject({
      status: "CANCELLED",
      approval: { status: "REJECTED" },
    });
    expect(await available("SKU-WORKSTATION")).toBe(before);
    expect((await ledger(order.orderId)).authorizations[0]?.status).toBe("voided");
  });

  it("out of stock compensates before any payment: the late payment message authorises nothing", async () => {
    const { order, event } = await placeOrder([{ sku: "SKU-LIMITED", quantity: 5 }]);
    const output = await runSaga(event);
    expect(output.error).toMatchObject({ Error: "OutOfStock" });
    expect((await getOrder(db(), order.orderId))?.status).toBe("CANCELLED");
    // The payment message arrives after the saga gave up: nothing stays authorised.
    await handlers.PaymentWorker(sqsEvent([event]));
    expect((await ledger(order.orderId)).authorizations).toEqual([]);
    expect((await getOrderDetails(db(), order.orderId))?.payment).toMatchObject({
      status: "VOIDED",
      tombstone: true,
    });
  });

  it("stays within the write budget documented in core/order: 12 per fulfilled order, 15 flagged", async () => {
    const notifyAll = async (order: Awaited<ReturnType<typeof getOrder>>, statuses: string[]) => {
      const current = (await getOrder(db(), order!.orderId))!;
      const busEvent = (entry: ReturnType<typeof eventFor>) => ({
        version: "0",
        id: randomUUID(),
        "detail-type": entry!.DetailType,
        source: entry!.Source,
        time: entry!.Time.toISOString(),
        detail: JSON.parse(entry!.Detail),
      });
      const placed = busEvent(eventFor("INSERT", undefined, current));
      await handlers.Notifier(sqsEvent([placed], "arn:aws:sqs:local:0:EmailQueue"));
      for (const status of statuses) {
        const changed = busEvent(
          eventFor("MODIFY", { ...current, status: "PROCESSING" }, { ...current, status }),
        );
        // The topology's filter policies: email gets AWAITING_APPROVAL and FULFILLED, sms FULFILLED.
        await handlers.Notifier(sqsEvent([changed], "arn:aws:sqs:local:0:EmailQueue"));
        if (status === "FULFILLED")
          await handlers.Notifier(sqsEvent([changed], "arn:aws:sqs:local:0:SmsQueue"));
      }
    };

    itemWrites = 0;
    const plain = await placeOrder([{ sku: "SKU-WEBCAM", quantity: 1 }]);
    await handlers.PaymentWorker(sqsEvent([plain.event]));
    await runSaga(plain.event);
    await notifyAll(plain.order, ["FULFILLED"]);
    expect((await getOrder(db(), plain.order.orderId))?.status).toBe("FULFILLED");
    expect(itemWrites).toBe(12);

    itemWrites = 0;
    const flagged = await placeOrder([{ sku: "SKU-WORKSTATION", quantity: 1 }]);
    await handlers.PaymentWorker(sqsEvent([flagged.event]));
    await runSaga(flagged.event, { onApproval: (decide) => decide("APPROVE") });
    await notifyAll(flagged.order, ["AWAITING_APPROVAL", "FULFILLED"]);
    expect((await getOrder(db(), flagged.order.orderId))?.status).toBe("FULFILLED");
    expect(itemWrites).toBe(15);
  });
});
