import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors";
import {
  appendJournalExpression,
  type JournalEntry,
  journalNames,
  journalValues,
} from "../journal";
import { paymentKey } from "../order/keys";
import { getOrderItems } from "../order/repository";
import { OrderRecord } from "../order/schema";
import { PaymentRecord, type PaymentStatus } from "./schema";

// DynamoDB adapter for payments: the PAYMENT item in the order's partition.
// Every transition is a conditional write carrying its journal entry.

export interface PaymentsDb {
  doc: DynamoDBDocumentClient;
  ordersTable: string;
}

/** The order and its payment in one consistent query (they share a partition). */
export async function getOrderAndPayment(
  deps: PaymentsDb,
  orderId: string,
): Promise<{ order: OrderRecord | undefined; payment: PaymentRecord | undefined }> {
  const items = await getOrderItems(deps, orderId);
  const meta = items.find((item) => item.sk === "META");
  const payment = items.find((item) => item.sk === "PAYMENT");
  return {
    order: meta ? OrderRecord.parse(meta) : undefined,
    payment: payment ? PaymentRecord.parse(payment) : undefined,
  };
}

/** The order's PAYMENT item, read consistently. */
export async function getPayment(
  deps: PaymentsDb,
  orderId: string,
): Promise<PaymentRecord | undefined> {
  const { Item } = await deps.doc.send(
    new GetCommand({ TableName: deps.ordersTable, Key: paymentKey(orderId), ConsistentRead: true }),
  );
  return Item ? PaymentRecord.parse(Item) : undefined;
}

/** Create the PAYMENT item; false if the order already has one. */
export async function putPayment(deps: PaymentsDb, record: PaymentRecord): Promise<boolean> {
  try {
    await deps.doc.send(
      new PutCommand({
        TableName: deps.ordersTable,
        Item: record,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Move the payment from one status to the next (or keep it, from = to) with
 * its journal entry and any other attributes, in one conditional write; false
 * if it was not in \`from\`.
 */
export async function movePayment(
  deps: PaymentsDb,
  orderId: string,
  from: PaymentStatus,
  to: PaymentStatus,
  entry: JournalEntry,
  set: Record<string, unknown> = {},
): Promise<boolean> {
  const names: Record<string, string> = { ...journalNames, "#status": "status" };
  const values: Record<string, unknown> = {
    ...journalValues(entry),
    ":from": from,
    ":to": to,
    ":at": entry.at,
  };
  const extra = Object.entries(set).map(([name, value], i) => {
    names[`#x${i}`] = name;
    values[`:x${i}`] = value;
    return `#x${i} = :x${i}`;
  });
  try {
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.ordersTable,
        Key: paymentKey(orderId),
        UpdateExpression: `SET ${["#status = :to", "updatedAt = :at", ...extra, appendJournalExpression].join(", ")}`,
        ConditionExpression: "#status = :from",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
