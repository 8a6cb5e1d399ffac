import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { getOrderItems, indexes, placeOrder } from "@orders/core/order";
import { startDynamoDbLocal } from "@orders/core/testing";
import { orderPolicy } from "@orders/core/topology";
import { dynamoApprovals, dynamoOrders } from "@orders/functions/admin/adapters/dynamodb-orders";
import { createAdminApp } from "@orders/functions/admin/app";
import type { AdminPorts } from "@orders/functions/admin/ports";

// The console's latency budget, measured: the admin API's order list and
// order detail against DynamoDB Local holding 10,000 orders (written by the
// same placeOrder the ingress runs), in process through app.request() so the
// figure is the API and DynamoDB, not a network; and the console's initial
// JavaScript, gzipped, from packages/web/dist. Next to each API figure, the
// same DynamoDB queries issued directly, interleaved with the API calls: the
// limit the API is judged against, measured in the same run.
//   pnpm exec tsx packages/tooling/src/bench/console.ts [orders]

export interface ConsoleBench {
  orders: number;
  samples: number;
  /** Milliseconds. */
  orderList: { p50: number; p95: number; max: number };
  orderDetail: { p50: number; p95: number; max: number };
  /** The queries behind each endpoint, sent straight to DynamoDB Local (no API, no parsing). */
  raw: {
    orderList: { p50: number; p95: number; max: number };
    orderDetail: { p50: number; p95: number; max: number };
  };
  /** KiB; null when packages/web/dist is not built. */
  initialJsGzipKiB: number | null;
  initialJsFiles: string[];
  targets: { p95Ms: 50; initialJsGzipKiB: 250 };
  pass: boolean;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted.at(-1)!),
  };
};

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * The JS a first visit downloads before the console renders: the entry, what
 * it imports, and what it imports dynamically at start-up (router, auth,
 * query client) with their static imports — from Vite's manifest. The ops
 * pages, lazy routes of the router, are not counted: a customer never loads them.
 */
export function consoleInitialJs(distDir = resolve(import.meta.dirname, "../../../web/dist")) {
  const manifestPath = join(distDir, ".vite/manifest.json");
  if (!existsSync(manifestPath)) return { kib: null, files: [] as string[] };
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) return { kib: null, files: [] as string[] };
  const files = new Set<string>();
  const withStaticImports = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const next of chunk.imports ?? []) withStaticImports(next);
  };
  withStaticImports(entry);
  for (const next of manifest[entry]!.dynamicImports ?? []) withStaticImports(next);
  const bytes = [...files].reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(distDir, f))).length,
    0,
  );
  return { kib: Math.round((bytes / 1024) * 10) / 10, files: [...files] };
}

const statuses = ["ACCEPTED", "PROCESSING", "FULFILLED", "CANCELLED"] as const;

export async function benchConsole(
  options: { orders?: number; samples?: number; customers?: number; distDir?: string } = {},
): Promise<ConsoleBench> {
  const total = options.orders ?? 10_000;
  const samples = options.samples ?? 300;
  const customers = options.customers ?? 200;
  const ddb = await startDynamoDbLocal();
  try {
    const db = { doc: ddb.doc, ordersTable: ddb.tableNames.OrdersTable };
    const prices = new Map(
      ["SKU-CABLE", "SKU-KEYBOARD", "SKU-WORKSTATION"].map((sku, i) => [
        sku,
        {
          sku,
          name: sku,
          priceCents: [1500, 12_900, 249_900][i]!,
          currency: "USD",
          reviewRequired: false,
        },
      ]),
    );
    // Seed through the ingress's own write, 16 at a time.
    let next = 0;
    const orderIds: string[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < total; i = next++) {
          const accepted = await placeOrder(
            {
              db,
              loadPrices: async () => prices,
              policy: orderPolicy,
              newCorrelationId: () => `bench-${i}`,
            },
            {
              customerId: `bench-customer-${i % customers}`,
              idempotencyKey: `bench-${i}`,
              requestId: `bench-${i}`,
              correlationId: undefined,
              body: JSON.stringify({
                lines: [{ sku: i % 10 === 0 ? "SKU-WORKSTATION" : "SKU-KEYBOARD", quantity: 1 }],
                currency: "USD",
                payment: { card: "tok_approve" },
              }),
            },
          );
          orderIds.push(accepted.orderId);
        }
      }),
    );

    const unused = () => {
      throw new Error("not part of the console bench");
    };
    const ports = {
      orders: dynamoOrders(() => db),
      approvals: dynamoApprovals({ db: () => db }),
      queues: new Proxy({}, { get: unused }),
      executions: new Proxy({}, { get: unused }),
      events: new Proxy({}, { get: unused }),
      logs: new Proxy({}, { get: unused }),
    } as unknown as AdminPorts;
    const app = createAdminApp(ports, {
      operatorGroup: () => "ops",
      security: { refused: () => {}, action: () => {} },
      logError: (error) => console.error(error),
    });
    const env = {
      event: {
        requestContext: {
          authorizer: { jwt: { claims: { sub: "bench-operator", "cognito:groups": "[ops]" } } },
        },
      },
    };
    const timed = async (path: string) => {
      const start = performance.now();
      const response = await app.request(path, {}, env);
      await response.arrayBuffer();
      const ms = performance.now() - start;
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      return ms;
    };

    // What the console asks for: a page of 25 by status or by customer, and one order.
    const listPaths = (i: number) =>
      i % 2 === 0
        ? `/api/admin/orders?status=${statuses[i % statuses.length]}&limit=25`
        : `/api/admin/orders?customerId=bench-customer-${i % customers}&limit=25`;
    // The same reads without the API: the index query of the list, the order's items.
    const rawList = (i: number) =>
      db.doc.send(
        new QueryCommand({
          TableName: db.ordersTable,
          IndexName: i % 2 === 0 ? indexes.byStatus : indexes.byCustomer,
          KeyConditionExpression: "#h = :h",
          ExpressionAttributeNames: { "#h": i % 2 === 0 ? "gsi1pk" : "gsi2pk" },
          ExpressionAttributeValues: {
            ":h":
              i % 2 === 0
                ? `STATUS#${statuses[i % statuses.length]}`
                : `CUSTOMER#bench-customer-${i % customers}`,
          },
          ScanIndexForward: false,
          Limit: 25,
        }),
      );
    const rawTimed = async (read: () => Promise<unknown>) => {
      const start = performance.now();
      await read();
      return performance.now() - start;
    };
    for (let i = 0; i < 20; i++) {
      await timed(listPaths(i));
      await timed(`/api/admin/orders/${orderIds[i]}`);
      await rawList(i);
      await getOrderItems(db, orderIds[i]!);
    }
    const list: number[] = [];
    const detail: number[] = [];
    const rawListMs: number[] = [];
    const rawDetailMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = orderIds[(i * 7919) % orderIds.length]!;
      list.push(await timed(listPaths(i)));
      rawListMs.push(await rawTimed(() => rawList(i)));
      detail.push(await timed(`/api/admin/orders/${id}`));
      rawDetailMs.push(await rawTimed(() => getOrderItems(db, id)));
    }
    const js = consoleInitialJs(options.distDir);
    const orderList = summary(list);
    const orderDetail = summary(detail);
    return {
      orders: total,
      samples,
      orderList,
      orderDetail,
      raw: { orderList: summary(rawListMs), orderDetail: summary(rawDetailMs) },
      initialJsGzipKiB: js.kib,
      initialJsFiles: js.files,
      targets: { p95Ms: 50, initialJsGzipKiB: 250 },
      pass: orderList.p95 <= 50 && orderDetail.p95 <= 50 && js.kib !== null && js.kib <= 250,
    };
  } finally {
    await ddb.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const orders = Number(process.argv[2] ?? 10_000);
  const result = await benchConsole({ orders });
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.pass ? 0 : 1);
}
