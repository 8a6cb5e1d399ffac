import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { seedCatalog } from "@orders/core/inventory";
import { linkEnv, startDynamoDbLocal } from "@orders/core/testing";
import { orderPolicy } from "@orders/core/topology";
import { httpEvent } from "@orders/functions/lib/test-events";

// The ingress handler called in this process (no gateway, no authorizer, no
// local cloud) next to DynamoDB Local's own conditional put at the same
// concurrency: what the handler itself costs (its price read, validation and
// conditional put) without the gateway, authorizer and Lambda runner.
// bench/pipeline.ts measures the ingress through the local cloud next to its
// exact DynamoDB calls.

export interface IngressInProcessBench {
  requests: number;
  concurrency: number;
  ingressPerSecond: number;
  rawPutsPerSecond: number;
}

async function rate(total: number, concurrency: number, one: (i: number) => Promise<void>) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await one(i);
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

export async function benchIngressInProcess(
  options: { requests?: number; concurrency?: number } = {},
): Promise<IngressInProcessBench> {
  const total = options.requests ?? 1500;
  const concurrency = options.concurrency ?? 16;
  const ddb = await startDynamoDbLocal();
  // The handler reads its resources from the environment; put it back afterwards
  // so nothing started later (a soak's child process) inherits these tables.
  const savedEnv = { ...process.env };
  try {
    Object.assign(process.env, {
      ...linkEnv(
        {
          OrdersTable: { name: ddb.tableNames.OrdersTable },
          InventoryTable: { name: ddb.tableNames.InventoryTable },
          OrderPolicy: orderPolicy,
        },
        ddb.endpoint,
      ),
      POWERTOOLS_LOG_LEVEL: "SILENT",
    });
    await seedCatalog({ doc: ddb.doc, inventoryTable: ddb.tableNames.InventoryTable });
    const { handler } = await import("@orders/functions/ingress");
    const body = { lines: [{ sku: "SKU-MOUSE", quantity: 1 }], payment: { card: "tok_approve" } };
    // Warm both paths before measuring.
    await rate(100, concurrency, async (i) => {
      await handler(httpEvent({ sub: "warm", body, headers: { "idempotency-key": `w${i}` } }));
    });
    const rawPutsPerSecond = await rate(total, concurrency, async (i) => {
      await ddb.doc.send(
        new PutCommand({
          TableName: ddb.tableNames.OrdersTable,
          Item: { pk: `RAW#${i}`, sk: "META", status: "ACCEPTED", body: JSON.stringify(body) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    });
    const ingressPerSecond = await rate(total, concurrency, async (i) => {
      const r = await handler(
        httpEvent({ sub: "bench", body, headers: { "idempotency-key": `b${i}` } }),
      );
      if (r.statusCode !== 202) throw new Error(`ingress ${r.statusCode}: ${r.body}`);
    });
    return { requests: total, concurrency, ingressPerSecond, rawPutsPerSecond };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await ddb.stop();
  }
}
