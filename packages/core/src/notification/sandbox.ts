import { createHash, randomUUID } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { transactionCancellationReasons } from "../errors";
import { canonicalJson } from "../order/identity";
import {
  Delivery,
  LedgerRequest,
  type NotificationLedger,
  type LedgerRequest as Request,
  SendRequest,
} from "./schema";

// The sandbox notification provider: a separate service with its own ledger
// (NotificationLedgerTable), behaving like a real email/SMS API with
// idempotency keys. The delivery and the key's stored answer are written in
// one transaction, so a key delivers at most once however many requests carry
// it, concurrent or not: the same key answers the stored response again; the
// same key with another body is refused (409). A request without a key is a
// delivery of its own, as with a provider that has no keys. Every answered
// request is recorded apart from the deliveries, so the ledger shows N
// requests and one delivery per key. Outages and latency are not its concern:
// the local cloud applies them in front of its URL.
//
// Ledger items:
//   pk = KEY#<idempotencyKey>  sk = KEY                        stored answer + request hash
//   pk = REF#<reference>       sk = DELIVERY#<deliveryId>      the delivery
//   pk = REF#<reference>       sk = REQUEST#<receivedAt>#<id>  one answered request

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
  const table = deps.ledgerTable;
  const now = () => (deps.now?.() ?? new Date()).toISOString();

  async function storedResponse(key: string, hash: string) {
    const { Item } = await deps.doc.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `KEY#${key}`, sk: "KEY" },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    if (Item.requestHash !== hash)
      return error(
        409,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used with a different message",
      );
    return {
      status: Item.statusCode as number,
      body: JSON.parse(Item.body as string) as Record<string, unknown>,
      replayed: true,
    };
  }

  async function recordRequest(request: Omit<Request, "id" | "receivedAt">) {
    const receivedAt = now();
    const id = randomUUID();
    const item = LedgerRequest.parse({ ...request, id, receivedAt });
    await deps.doc.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `REF#${request.reference}`, sk: `REQUEST#${receivedAt}#${id}`, ...item },
      }),
    );
  }

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
    const deliveryItem = {
      Put: {
        TableName: table,
        Item: { pk: `REF#${message.reference}`, sk: `DELIVERY#${delivery.id}`, ...delivery },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
    try {
      await deps.doc.send(
        new TransactWriteCommand({
          TransactItems: key
            ? [
                {
                  Put: {
                    TableName: table,
                    Item: {
                      pk: `KEY#${key}`,
                      sk: "KEY",
                      requestHash: hash,
                      statusCode: response.status,
                      body: JSON.stringify(response.body),
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
    } catch (err) {
      // A concurrent request with the same key delivered first: answer what it answered.
      if (key && transactionCancellationReasons(err)) {
        const winner = await storedResponse(key, hash);
        if (winner) return answered(winner, deliveryOf(winner));
      }
      throw err;
    }
    return answered(response, delivery.id);
  }

  /** GET /v1/ledger?reference= */
  async function ledger(reference: string): Promise<NotificationLedger> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await deps.doc.send(
        new QueryCommand({
          TableName: table,
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

  return { send, ledger };
}

export type NotificationSandbox = ReturnType<typeof createNotificationSandbox>;

function stripKeys(item: Record<string, unknown>) {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}
