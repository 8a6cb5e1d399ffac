import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { transactionCancellationReasons } from "../errors";
import { Authorization } from "./schema";

// DynamoDB adapter for the sandbox payment provider's ledger
// (PaymentLedgerTable, its own service's table).
//
// Ledger items:
//   pk = KEY#<idempotencyKey>  sk = KEY           the stored response + request hash
//   pk = ORDER#<orderId>       sk = AUTH#<authId> the authorisation and its history
//   pk = AUTH#<authId>         sk = AUTH          pointer: authId → orderId
//   pk = ATTEMPTS#<orderId>    sk = <card>        attempt counter (tok_transient)

export interface LedgerDb {
  doc: DynamoDBDocumentClient;
  ledgerTable: string;
}

/** An idempotency key's stored response, with the hash of the request it answered. */
export interface StoredAnswer {
  requestHash: string;
  operation: string;
  status: number;
  body: Record<string, unknown>;
  createdAt: string;
}

const keyItem = (key: string, answer: StoredAnswer) => ({
  pk: `KEY#${key}`,
  sk: "KEY",
  requestHash: answer.requestHash,
  operation: answer.operation,
  statusCode: answer.status,
  body: JSON.stringify(answer.body),
  createdAt: answer.createdAt,
});

/** The put that stores a key's answer, only if the key has none yet (first answer wins). */
const newKeyPut = (db: LedgerDb, key: string, answer: StoredAnswer) => ({
  TableName: db.ledgerTable,
  Item: keyItem(key, answer),
  ConditionExpression: "attribute_not_exists(pk)",
});

export async function getStoredAnswer(
  db: LedgerDb,
  key: string,
): Promise<Pick<StoredAnswer, "requestHash" | "status" | "body"> | undefined> {
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
    body: JSON.parse(Item.body as string),
  };
}

/** Store a key's answer on its own (a refusal); a key already stored keeps its answer. */
export async function putStoredAnswer(db: LedgerDb, key: string, answer: StoredAnswer) {
  await db.doc.send(new PutCommand(newKeyPut(db, key, answer))).catch(() => undefined);
}

/** Count one more authorisation attempt of this card for this order; the count so far. */
export async function countAttempt(db: LedgerDb, orderId: string, card: string): Promise<number> {
  const { Attributes } = await db.doc.send(
    new UpdateCommand({
      TableName: db.ledgerTable,
      Key: { pk: `ATTEMPTS#${orderId}`, sk: card },
      UpdateExpression: "ADD attempts :one",
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return Number(Attributes?.attempts ?? 1);
}

export async function getAuthorization(
  db: LedgerDb,
  authId: string,
): Promise<Authorization | undefined> {
  const pointer = await db.doc.send(
    new GetCommand({
      TableName: db.ledgerTable,
      Key: { pk: `AUTH#${authId}`, sk: "AUTH" },
      ConsistentRead: true,
    }),
  );
  if (!pointer.Item) return undefined;
  const { Item } = await db.doc.send(
    new GetCommand({
      TableName: db.ledgerTable,
      Key: { pk: `ORDER#${pointer.Item.orderId}`, sk: `AUTH#${authId}` },
      ConsistentRead: true,
    }),
  );
  return Item ? Authorization.parse(stripKeys(Item)) : undefined;
}

/**
 * A new authorisation with its key's answer and its pointer, in one
 * transaction; false if it was cancelled (the key stored meanwhile).
 */
export async function putAuthorization(
  db: LedgerDb,
  authorization: Authorization,
  key: string,
  answer: StoredAnswer,
): Promise<boolean> {
  return cancelledAsFalse(
    db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: newKeyPut(db, key, answer) },
          {
            Put: {
              TableName: db.ledgerTable,
              Item: {
                pk: `ORDER#${authorization.orderId}`,
                sk: `AUTH#${authorization.id}`,
                ...authorization,
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Put: {
              TableName: db.ledgerTable,
              Item: {
                pk: `AUTH#${authorization.id}`,
                sk: "AUTH",
                orderId: authorization.orderId,
              },
            },
          },
        ],
      }),
    ),
  );
}

/**
 * The authorisation's next state with its key's answer, in one transaction,
 * only if it is still in `fromStatus`; false if it was cancelled.
 */
export async function replaceAuthorization(
  db: LedgerDb,
  next: Authorization,
  fromStatus: Authorization["status"],
  key: string,
  answer: StoredAnswer,
): Promise<boolean> {
  return cancelledAsFalse(
    db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: newKeyPut(db, key, answer) },
          {
            Put: {
              TableName: db.ledgerTable,
              Item: { pk: `ORDER#${next.orderId}`, sk: `AUTH#${next.id}`, ...next },
              ConditionExpression: "#status = :current",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: { ":current": fromStatus },
            },
          },
        ],
      }),
    ),
  );
}

/** The order's authorisations. */
export async function queryAuthorizations(db: LedgerDb, orderId: string): Promise<Authorization[]> {
  const { Items } = await db.doc.send(
    new QueryCommand({
      TableName: db.ledgerTable,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :auth)",
      ExpressionAttributeValues: { ":pk": `ORDER#${orderId}`, ":auth": "AUTH#" },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => Authorization.parse(stripKeys(item)));
}

async function cancelledAsFalse(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (transactionCancellationReasons(err)) return false;
    throw err;
  }
}

function stripKeys(item: Record<string, unknown>) {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}
