import { catalog } from "../packages/core/src/inventory/catalog";
import { stockRecord } from "../packages/core/src/inventory/schema";
import {
  type GrantTarget,
  type TableSpec,
  tables as tableSpecs,
} from "../packages/core/src/topology";
import { offerGrantTargets } from "./functions";

// DynamoDB tables from the topology. Only key attributes are declared (DynamoDB
// wants nothing else up front) and every key here is a string.

function keyFields(spec: TableSpec) {
  const keys = [spec.hashKey, spec.rangeKey];
  for (const index of Object.values(spec.globalIndexes)) keys.push(index.hashKey, index.rangeKey);
  return Object.fromEntries(
    keys.filter((k): k is string => k !== undefined).map((k) => [k, "string" as const]),
  );
}

function table(name: keyof typeof tableSpecs) {
  const spec: TableSpec = tableSpecs[name];
  return new sst.aws.Dynamo(name, {
    fields: keyFields(spec),
    primaryIndex: { hashKey: spec.hashKey, rangeKey: spec.rangeKey },
    globalIndexes: spec.globalIndexes,
    stream: spec.stream,
    ttl: spec.ttl,
    deletionProtection: $app.stage === "production",
    transform: {
      table: (args) => {
        // Orders, stock and the ledger are records we must be able to restore.
        args.pointInTimeRecovery = { enabled: true };
      },
    },
  });
}

export const tables = Object.fromEntries(
  (Object.keys(tableSpecs) as (keyof typeof tableSpecs)[]).map((name) => [name, table(name)]),
) as Record<keyof typeof tableSpecs, sst.aws.Dynamo>;

// What grants may name: each table, its indexes (a GSI query is authorised on
// the index's ARN) and its stream.
for (const [name, table] of Object.entries(tables)) {
  const spec: TableSpec = tableSpecs[name as keyof typeof tableSpecs];
  offerGrantTargets({
    [name]: table.arn,
    ...Object.fromEntries(
      Object.keys(spec.globalIndexes).map((index) => [
        `${name}/index/${index}`,
        $interpolate`${table.arn}/index/${index}`,
      ]),
    ),
    ...(spec.stream ? { [`${name}/stream`]: table.nodes.table.streamArn } : {}),
  } as Partial<Record<GrantTarget, $util.Input<string>>>);
}

/** DynamoDB's attribute-value JSON for a flat record of strings, numbers and booleans. */
function attributeValues(record: Record<string, string | number | boolean | undefined>) {
  const item: Record<string, { S: string } | { N: string } | { BOOL: boolean }> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (typeof value === "number") item[key] = { N: String(value) };
    else if (typeof value === "boolean") item[key] = { BOOL: value };
    else item[key] = { S: value };
  }
  return item;
}

// The catalogue, as the local cloud seeds it: without it a fresh stage refuses
// every order. Each SKU's stock record is written once when the stage is
// created and then left alone (`ignoreChanges`), so a redeploy never resets
// stock that orders have since reserved.
export const catalogSeed = catalog.map((item) => {
  const record = stockRecord(item);
  return new aws.dynamodb.TableItem(
    `Catalog${item.sku.replace(/[^A-Za-z0-9]/g, "")}`,
    {
      tableName: tables.InventoryTable.name,
      hashKey: "pk",
      rangeKey: "sk",
      item: JSON.stringify(attributeValues(record)),
    },
    { ignoreChanges: ["item"] },
  );
});
