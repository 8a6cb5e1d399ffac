import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { transactionCancellationReasons } from "../errors";
import { Delivery, LedgerRequest, type NotificationLedger } from "./schema";

// DynamoDB adapter for the sandbox notification provider's ledger
// (NotificationLedgerTable, its own service's table).
//
// Ledger items:
//   pk = KEY#<idempotencyKey>  sk = KEY                        stored answer + request hash
//   pk = REF#<reference>       sk = DELIVERY#<deliveryId>      the delivery
//   pk = REF#<reference>       sk = REQUEST#<receivedAt>#<id>  one answered request

export interface LedgerDb {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
}

/** An idempotency key's stored answer and the hash of the request it answered. */
export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: Record<string, unknown>;
}

export async function getStoredAnswer(
  db: LedgerDb,
  key: string,
): Promise<StoredAnswer | undefined> {
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.ledgerTable,
      Key: { pk: `KEY#${key}`, sk: "KEY" },
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  return {
    requestHash: Item.requestHash as string,
    status: Item.statusCode as number,
    body: JSON.parse(Item.body as string) as Record<string, unknown>,
  };
}

export async function putRequest(db: LedgerDb, request: LedgerRequest): Promise<void> {
  const item = LedgerRequest.parse(request);
  await db.doc.send(
    new PutCommand({
      TableName: db.ledgerTable,
      Item: {
        pk: `REF#${request.reference}`,
        sk: `REQUEST#${request.receivedAt}#${request.id}`,
        ...item,
      },
    }),
  );
}

/**
 * The delivery, and with a key the key's answer, in one transaction. A keyed
 * transaction that was cancelled (normally: a concurrent request stored the
 * key first) comes back as `{ cancelled }`, for the caller to answer what
 * that request answered, or to throw.
 */
export async function putDelivery(
  db: LedgerDb,
  delivery: Delivery,
  keyed?: { key: string; answer: StoredAnswer },
): Promise<{ delivered: true } | { delivered: false; cancelled: unknown }> {
  const deliveryItem = {
    Put: {
      TableName: db.ledgerTable,
      Item: { pk: `REF#${delivery.reference}`, sk: `DELIVERY#${delivery.id}`, ...delivery },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: keyed
          ? [
              {
                Put: {
                  TableName: db.ledgerTable,
                  Item: {
                    pk: `KEY#${keyed.key}`,
                    sk: "KEY",
                    requestHash: keyed.answer.requestHash,
                    statusCode: keyed.answer.status,
                    body: JSON.stringify(keyed.answer.body),
                    createdAt: delivery.deliveredAt,
                  },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              deliveryItem,
            ]
          : [deliveryItem],
      }),
    );
    return { delivered: true };
  } catch (err) {
    if (keyed && transactionCancellationReasons(err)) return { delivered: false, cancelled: err };
    throw err;
  }
}

/** Every request and delivery recorded for a reference. */
export async function queryLedger(db: LedgerDb, reference: string): Promise<NotificationLedger> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.ledgerTable,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `REF#${reference}` },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const of = (prefix: string) =>
    items.filter((i) => String(i.sk).startsWith(prefix)).map(stripKeys);
  return {
    reference,
    requests: of("REQUEST#").map((i) => LedgerRequest.parse(i)),
    deliveries: of("DELIVERY#").map((i) => Delivery.parse(i)),
  };
}

function stripKeys(item: Record<string, unknown>) {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}
