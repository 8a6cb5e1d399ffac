import { type DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import {
  ChangeMessageVisibilityBatchCommand,
  ListQueuesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { catalog } from "@orders/core/inventory";
import { type DlqName, queues, type tables } from "@orders/core/topology";
import {
  type DlqMessage,
  isSagaEffectState,
  type SagaExecution,
  type Snapshot,
} from "./invariants";

// Reads a Snapshot from a running system: every item of the three tables the
// invariants speak about, a non-destructive peek at every DLQ, and (when a
// Step Functions client is given) every saga execution with the states it
// entered. Names follow the topology; a deployment's actual names are passed
// in, or found by suffix (`<anything>OrdersTable`, `<anything>PaymentQueueDlq`)
// or as SST names them (`orders-local-OrdersTableTable-csokvvha`).

export type TableRole = "OrdersTable" | "InventoryTable" | "PaymentLedgerTable";
export const tableRoles: TableRole[] = ["OrdersTable", "InventoryTable", "PaymentLedgerTable"];
export const dlqNames = (Object.keys(queues) as (keyof typeof queues)[]).filter(
  (name) => queues[name].kind === "dlq",
) as DlqName[];

export interface SnapshotSources {
  dynamodb: DynamoDBClient;
  /** Role → actual table name; missing roles are looked up by suffix. */
  tables?: Partial<Record<keyof typeof tables, string>>;
  sqs?: SQSClient;
  /** DLQ name (topology) → queue URL; missing ones are looked up by suffix. */
  dlqUrls?: Partial<Record<DlqName, string>>;
  sfn?: SFNClient;
  /** The saga's state machine; found by name (…FulfillmentSaga) when absent. */
  stateMachineArn?: string;
  /** SKU → stock before the run; the seeded catalogue by default. */
  initialStock?: Record<string, number>;
}

export const catalogueStock = () => Object.fromEntries(catalog.map((i) => [i.sku, i.stock]));

/**
 * Pick the one name equal to `role`, ending in it (`orders-local-OrdersTable`),
 * or SST's physical name for it: `<app>-<stage>-<role><Table|Queue>-<suffix>`
 * (`orders-local-OrdersTableTable-csokvvha`, the local cloud's names too).
 */
export function matchByRole(names: string[], role: string): string | undefined {
  if (names.includes(role)) return role;
  const physical = new RegExp(`-${role}(Table|Queue)-[a-z0-9]+$`);
  const found = names.filter((n) => n.endsWith(role) || physical.test(n));
  if (found.length > 1) {
    throw new Error(`more than one ${role}: ${found.join(", ")} (name it explicitly)`);
  }
  return found[0];
}

export async function resolveTables(
  dynamodb: DynamoDBClient,
  given: SnapshotSources["tables"] = {},
): Promise<Record<TableRole, string>> {
  const missing = tableRoles.filter((role) => !given[role]);
  const names: string[] = [];
  if (missing.length) {
    let ExclusiveStartTableName: string | undefined;
    do {
      const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName }));
      names.push(...(page.TableNames ?? []));
      ExclusiveStartTableName = page.LastEvaluatedTableName;
    } while (ExclusiveStartTableName);
  }
  return Object.fromEntries(
    tableRoles.map((role) => {
      const name = given[role] ?? matchByRole(names, role);
      if (!name) throw new Error(`no ${role} among the tables: ${names.join(", ") || "none"}`);
      return [role, name];
    }),
  ) as Record<TableRole, string>;
}

/**
 * The notification provider's ledger, by name or by suffix; undefined when the
 * system has none (an older deployment): its check is then skipped.
 */
async function notificationLedgerName(
  dynamodb: DynamoDBClient,
  given: SnapshotSources["tables"] = {},
): Promise<string | undefined> {
  if (given.NotificationLedgerTable) return given.NotificationLedgerTable;
  const names: string[] = [];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName }));
    names.push(...(page.TableNames ?? []));
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  return matchByRole(names, "NotificationLedgerTable");
}

async function scanAll(doc: DynamoDBDocumentClient, table: string) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Every message of a queue without consuming it: receive with a visibility
 * timeout (so one pass sees each message once), then make them all visible again.
 */
export async function peekQueue(sqs: SQSClient, url: string, queue: string) {
  const seen = new Map<string, Message>();
  for (let round = 0; round < 1_000; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) break;
    for (const m of Messages) seen.set(m.MessageId!, m);
  }
  const all = [...seen.values()];
  for (let i = 0; i < all.length; i += 10) {
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: all.slice(i, i + 10).map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined); // visible again in 60 s anyway
  }
  return all.map((m): DlqMessage => ({ queue, messageId: m.MessageId!, body: m.Body ?? "" }));
}

export async function resolveDlqUrls(sqs: SQSClient, given: SnapshotSources["dlqUrls"] = {}) {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ NextToken, MaxResults: 1000 }));
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const byName = new Map(urls.map((url) => [url.split("/").pop()!, url]));
  const out: Partial<Record<DlqName, string>> = {};
  for (const name of dlqNames) {
    const match = given[name] ?? byName.get(matchByRole([...byName.keys()], name) ?? "");
    if (match) out[name] = match;
  }
  return out;
}

async function sagaExecutions(sfn: SFNClient, stateMachineArn: string | undefined) {
  let arn = stateMachineArn;
  if (!arn) {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    arn = stateMachines.find((m) => m.name?.endsWith("FulfillmentSaga"))?.stateMachineArn;
    if (!arn) return undefined;
  }
  const out: SagaExecution[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000, nextToken }),
    );
    for (const e of page.executions ?? []) {
      const described = await sfn.send(
        new DescribeExecutionCommand({ executionArn: e.executionArn! }),
      );
      let orderId: string | undefined;
      try {
        orderId = (JSON.parse(described.input ?? "{}") as { orderId?: string }).orderId;
      } catch {
        orderId = undefined;
      }
      const entered: string[] = [];
      let historyToken: string | undefined;
      do {
        const history = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: e.executionArn!,
            maxResults: 1000,
            nextToken: historyToken,
          }),
        );
        for (const event of history.events ?? ([] as HistoryEvent[])) {
          if (event.type === "TaskStateEntered" && event.stateEnteredEventDetails?.name)
            entered.push(event.stateEnteredEventDetails.name);
        }
        historyToken = history.nextToken;
      } while (historyToken);
      out.push({
        executionArn: e.executionArn!,
        orderId,
        status: e.status ?? "UNKNOWN",
        effectStates: [...new Set(entered.filter(isSagaEffectState))],
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

export async function readSnapshot(sources: SnapshotSources): Promise<{
  snapshot: Snapshot;
  tables: Record<TableRole, string>;
  dlqUrls: Partial<Record<DlqName, string>>;
}> {
  const doc = DynamoDBDocumentClient.from(sources.dynamodb);
  const names = await resolveTables(sources.dynamodb, sources.tables);
  const [ordersTable, inventory, ledger] = await Promise.all([
    scanAll(doc, names.OrdersTable),
    scanAll(doc, names.InventoryTable),
    scanAll(doc, names.PaymentLedgerTable),
  ]);
  const notificationLedger = await notificationLedgerName(sources.dynamodb, sources.tables);
  const notificationItems = notificationLedger ? await scanAll(doc, notificationLedger) : undefined;
  const dlqUrls = sources.sqs ? await resolveDlqUrls(sources.sqs, sources.dlqUrls) : {};
  const dlqMessages: DlqMessage[] = [];
  for (const [queue, url] of Object.entries(dlqUrls)) {
    dlqMessages.push(...(await peekQueue(sources.sqs!, url!, queue)));
  }
  const snapshot: Snapshot = {
    orders: ordersTable.filter((i) => i.sk === "META" && i.entity === "ORDER"),
    payments: ordersTable.filter((i) => i.sk === "PAYMENT"),
    stock: Object.fromEntries(
      inventory.filter((i) => i.entity === "SKU").map((i) => [i.sku, Number(i.available)]),
    ),
    initialStock: sources.initialStock ?? catalogueStock(),
    ledger: ledger
      .filter((i) => String(i.pk).startsWith("ORDER#") && String(i.sk).startsWith("AUTH#"))
      .map(({ pk: _pk, sk: _sk, ...rest }) => rest),
    dlqMessages,
  };
  if (notificationItems) {
    const of = (prefix: string) =>
      notificationItems
        .filter((i) => String(i.pk).startsWith("REF#") && String(i.sk).startsWith(prefix))
        .map(({ pk: _pk, sk: _sk, ...rest }) => rest);
    snapshot.notificationDeliveries = of("DELIVERY#");
    snapshot.notificationRequests = of("REQUEST#");
  }
  if (sources.sfn) {
    const executions = await sagaExecutions(sources.sfn, sources.stateMachineArn);
    if (executions) snapshot.executions = executions;
  }
  return { snapshot, tables: names, dlqUrls };
}
