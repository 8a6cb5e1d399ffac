import { type TableSpec, tables as tableSpecs } from "../packages/core/src/topology";

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
