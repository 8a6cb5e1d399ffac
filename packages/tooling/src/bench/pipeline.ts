import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AttributeValue,
  BatchGetItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { stockKey } from "@orders/core/inventory";
import { functions } from "@orders/core/topology";
import { type LocalCloud, startLocalCloud } from "@orders/local/cloud/index";
import { fakeCredentials, REGION } from "@orders/local/config";
import { deployment } from "@orders/local/graph/index";
import { type CpuSpent, cpuMeter, threadCpuMeter } from "./cpu";
import { median } from "./median";

// The pipeline on the local cloud, as ratios against the engine limit measured
// in the same run (never timed assertions):
//   ingress: POST /api/orders (gateway → JWT authorizer → ingress λ → the
//     inventory read for prices, one conditional put) vs the same two calls
//     (BatchGetItem on InventoryTable, then the conditional PutItem of an
//     order item the ingress wrote, under a fresh key) issued directly at the
//     same concurrency — target ≥ 0.70. The two alternate in rounds so that
//     neither gets the engine's later, warmer minutes to itself;
//   DynamoDB writes per fulfilled order (every item written through the AWS
//     endpoint, all tables) vs a budget of 15;
//   end to end: orders/s at saturation vs the raw write rate ÷ 15 — target
//     ≥ 0.60; and the median submit → FULFILLED. The raw write rate is
//     measured on the same cloud's DynamoDB Local right before and right after
//     the run (their mean): the JVM behind it is still compiling itself for
//     minutes after a start, so a rate taken on another engine instance, or
//     only before, would compare against a different machine. A few hundred orders are
//     submitted as fast as the ingress takes them, so the whole pipeline has a
//     backlog; the rate is the orders fulfilled by the time 90 % of them are,
//     over the time from the first submit to then (both from the orders' own
//     timelines), so one straggler (a batch redelivered after its visibility
//     timeout) cannot turn the throughput figure into a latency figure. The
//     time to the last FULFILLED is reported beside it.
// Where /proc exists, each of those measurements also records the CPU that
// the machine, and DynamoDB Local's JVM within it, spent per unit of work (a
// request, an order, a raw put). On a machine the run saturates, a rate is
// the inverse of that cost, so the costs say what a ratio is made of; a
// request's and an order's cost are also split by what spent it (DynamoDB
// Local's request work and its JIT compiler apart, each Lambda function's
// environments, the cloud's main thread, V8's background threads). The JIT
// compiler is set apart because it runs by the clock while the JVM warms: a
// slower round absorbs more of it without causing it.

/** The sandbox providers' own tables (payments, notifications): not the pipeline's writes. */
const PROVIDER_LEDGERS = new Set(["PaymentLedgerTable", "NotificationLedgerTable"]);
/** The local cloud's physical table name → its topology name. */
const tableKeyOf = new Map(Object.entries(deployment().tables).map(([key, t]) => [t.name, key]));
/** The orders table as the local cloud names it (the synthesized graph's name). */
const ordersTable = () => deployment().tables.OrdersTable.name;

export interface PipelineBench {
  concurrency: number;
  rawPutsPerSecond: number;
  /** The ingress's own DynamoDB calls issued by a bare client: its limit. */
  rawIngressCallsPerSecond: number;
  rawIngressCallsMedianMs: number;
  ingressPerSecond: number;
  ingressVsRaw: number;
  ingressMedianMs: number;
  rawPutMedianMs: number;
  writesPerOrder: number;
  writesByTable: Record<string, number>;
  endToEndOrders: number;
  endToEndPerSecond: number;
  endToEndVsCeiling: number;
  /** Seconds from the first submit to the last order's FULFILLED (the tail included). */
  endToEndLastSeconds: number;
  medianSubmitToFulfilledMs: number;
  unfinished: number;
  /** CPU per unit of work (Linux only): per ingress request, per its direct calls, per order, per raw put. */
  cpu?: Record<"ingressRequest" | "ingressCalls" | "order" | "rawPut", CpuCost>;
  /** Where an order's machine CPU went (Linux only): ms per order by part, largest first. */
  orderCpuByPart?: CpuPart[];
  /** Where an ingress request's machine CPU went (Linux only), the same way. */
  ingressCpuByPart?: CpuPart[];
}

/** One part of a unit of work's machine CPU, in ms per unit. */
export interface CpuPart {
  part: string;
  ms: number;
  /**
   * "engines": DynamoDB Local's request work and the cloud's main thread, what
   * every handler rides on; "handlers": the Lambda environments and V8's
   * background threads that serve them; "other": the rest.
   */
  kind: "engines" | "handlers" | "other";
}

/** CPU for one unit of work, in ms: the whole machine's, and DynamoDB Local's share of it. */
export interface CpuCost {
  machineMs: number;
  dynamodbMs: number;
  /** Of DynamoDB Local's share, its JIT compiler threads': a tax on time while the JVM warms, not a cost of this work. */
  dynamodbJitMs: number;
}

const WRITE_BUDGET = 15;
/** Rounds the ingress and its limit alternate in. */
const ROUNDS = 4;
/** Raw puts behind the end-to-end ceiling: half before the run, half after. */
const RAW_PUTS = 600;

/** Runs `total` calls of `call` with `concurrency` in flight; returns per-call ms and the rate. */
async function closedLoop(total: number, concurrency: number, call: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { latencies, seconds, perSecond: total / seconds };
}

/** `closedLoop`, with the CPU spent meanwhile by the machine and by the process `pid`. */
async function meteredLoop(
  pid: number,
  total: number,
  concurrency: number,
  call: (i: number) => Promise<void>,
) {
  const spent = cpuMeter(pid);
  const threadsSpent = threadCpuMeter();
  const loop = await closedLoop(total, concurrency, call);
  return { ...loop, cpu: spent(), threads: threadsSpent() };
}

/** Several rounds of one closed loop as one measurement: all calls over all their time. */
function combine(
  rounds: {
    latencies: number[];
    seconds: number;
    cpu?: CpuSpent;
    threads?: Map<string, number>;
  }[],
) {
  const latencies = rounds.flatMap((r) => r.latencies);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const metered = rounds.every((r) => r.cpu);
  const threads = rounds.every((r) => r.threads) ? new Map<string, number>() : undefined;
  for (const round of rounds)
    for (const [name, ms] of round.threads ?? []) threads?.set(name, (threads.get(name) ?? 0) + ms);
  const total = (field: keyof CpuSpent) => rounds.reduce((sum, r) => sum + r.cpu![field], 0);
  const spent: CpuSpent | undefined = metered
    ? { machineMs: total("machineMs"), processMs: total("processMs"), jitMs: total("jitMs") }
    : undefined;
  return {
    threads,
    latencies,
    perSecond: latencies.length / seconds,
    spent,
    cost: costOf(spent, latencies.length),
  };
}

const costOf = (spent: CpuSpent | undefined, units: number): CpuCost | undefined =>
  spent && {
    machineMs: spent.machineMs / units,
    dynamodbMs: spent.processMs / units,
    dynamodbJitMs: spent.jitMs / units,
  };

async function customerToken(cloud: LocalCloud, sub: string) {
  const response = await fetch(`${cloud.urls.web}/auth/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub, groups: [] }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

function submitter(cloud: LocalCloud, token: string) {
  return async (key: string) => {
    const response = await fetch(`${cloud.urls.web}/api/orders`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "idempotency-key": key,
      },
      body: JSON.stringify({
        lines: [{ sku: "SKU-CABLE", quantity: 1 }],
        currency: "USD",
        payment: { card: "tok_approve" },
      }),
    });
    const body = (await response.json()) as { orderId: string };
    if (response.status !== 202)
      throw new Error(`submit: ${response.status} ${JSON.stringify(body)}`);
    return body.orderId;
  };
}

export async function benchPipeline(
  options: {
    concurrency?: number;
    ingressRequests?: number;
    orders?: number;
    /** Keep each cloud's handler logs (logs.sqlite) here: a run far off the last one can be read afterwards. */
    keepLogsIn?: string;
  } = {},
): Promise<PipelineBench> {
  const concurrency = options.concurrency ?? 16;
  const ingressRequests = options.ingressRequests ?? 600;
  const orders = options.orders ?? 300;
  const run = Date.now().toString(36);

  // Phase 1, without the consumers (they would take CPU from the ingress):
  // the ingress next to the DynamoDB calls it makes.
  const dirA = mkdtempSync(join(tmpdir(), "bench-pipeline-ingress-"));
  const ingressCloud = await startLocalCloud({
    dataDir: dirA,
    webPort: 0,
    awsPort: 0,
    hotReload: false,
    mappings: false,
    prewarm: true,
  });
  let rawIngress: ReturnType<typeof combine>;
  let ingress: ReturnType<typeof combine>;
  try {
    const ddb = bareClient(ingressCloud);
    const token = await customerToken(ingressCloud, `bench-${run}`);
    const submit = submitter(ingressCloud, token);
    // warm both paths (connections, JIT, the ingress's environments)
    let sample = "";
    await closedLoop(concurrency * 4, concurrency, (i) =>
      submit(`warm-${run}-${i}`).then((orderId) => {
        sample = orderId;
      }),
    );
    // The ingress's calls: the price lookup, then the order item it wrote
    // (same attributes, indexes and size) put under a fresh key.
    const written = await ddb.send(
      new GetItemCommand({
        TableName: ordersTable(),
        Key: { pk: { S: `ORDER#${sample}` }, sk: { S: "META" } },
        ConsistentRead: true,
      }),
    );
    if (!written.Item) throw new Error(`bench: order ${sample} not found`);
    const template = written.Item;
    const { pk, sk } = stockKey("SKU-CABLE");
    const priceKey = { pk: { S: pk }, sk: { S: sk } };
    const ingressCalls = async (i: number) => {
      await ddb.send(
        new BatchGetItemCommand({
          RequestItems: { InventoryTable: { Keys: [priceKey] } },
        }),
      );
      const orderId = `bench${run}${i}`;
      await ddb.send(
        new PutItemCommand({
          TableName: ordersTable(),
          Item: { ...template, pk: { S: `ORDER#${orderId}` }, orderId: { S: orderId } },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
    };
    await closedLoop(concurrency * 4, concurrency, (i) => ingressCalls(1_000_000 + i));
    // Alternating rounds (limit first, then ingress first, …) so that drift
    // in the engine's speed falls on both alike.
    const perRound = Math.ceil(ingressRequests / ROUNDS);
    const rawRounds: Awaited<ReturnType<typeof closedLoop>>[] = [];
    const ingressRounds: Awaited<ReturnType<typeof closedLoop>>[] = [];
    const pid = ingressCloud.dynamodbPid;
    for (let round = 0; round < ROUNDS; round++) {
      const base = round * perRound;
      const measureRaw = async () =>
        rawRounds.push(
          await meteredLoop(pid, perRound, concurrency, (i) => ingressCalls(base + i)),
        );
      const measureIngress = async () =>
        ingressRounds.push(
          await meteredLoop(pid, perRound, concurrency, (i) =>
            submit(`ingress-${run}-${base + i}`).then(() => {}),
          ),
        );
      if (round % 2 === 0) {
        await measureRaw();
        await measureIngress();
      } else {
        await measureIngress();
        await measureRaw();
      }
    }
    rawIngress = combine(rawRounds);
    ingress = combine(ingressRounds);
    ddb.destroy();
  } finally {
    await ingressCloud.stop();
    if (options.keepLogsIn) keepLogs(dirA, options.keepLogsIn, "pipeline-ingress");
    rmSync(dirA, { recursive: true, force: true });
  }

  // Phase 2: the whole pipeline, from submit to FULFILLED.
  const dirB = mkdtempSync(join(tmpdir(), "bench-pipeline-e2e-"));
  const cloud = await startLocalCloud({ dataDir: dirB, webPort: 0, awsPort: 0, hotReload: false });
  const ddb = bareClient(cloud);
  try {
    const token = await customerToken(cloud, `bench-e2e-${run}`);
    const submit = submitter(cloud, token);
    // The raw writes go to a twin of OrdersTable (same keys, indexes and
    // stream) that no consumer reads, through the same endpoint.
    const rawTable = await twinTable(ddb, ordersTable(), `BenchRawPuts${run}`);
    const put = (i: number) =>
      ddb
        .send(
          new PutItemCommand({
            TableName: rawTable,
            Item: {
              pk: { S: `BENCH#${run}-${i}` },
              sk: { S: "META" },
              entity: { S: "BENCH" },
              status: { S: "ACCEPTED" },
              createdAt: { S: new Date().toISOString() },
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        )
        .then(() => undefined);
    // A warm-up batch at the same concurrency through every hop first, so the
    // measured run finds its execution environments loaded (a steady state,
    // not the cold starts of scaling out) and its connections open.
    await closedLoop(concurrency * 4, concurrency, (i) => put(2_000_000 + i));
    const warmIds: string[] = [];
    await closedLoop(concurrency * 2, concurrency, async (i) => {
      warmIds.push(await submit(`e2e-warm-${run}-${i}`));
    });
    await waitSettled(cloud, warmIds, 180_000);
    const rawBefore = await meteredLoop(cloud.dynamodbPid, RAW_PUTS / 2, concurrency, put);
    const before = cloud.dynamodbWrites();
    const spent = cpuMeter(cloud.dynamodbPid);
    const threadsSpent = threadCpuMeter();
    const started = Date.now();
    const ids: string[] = [];
    await closedLoop(orders, concurrency, async (i) => {
      ids.push(await submit(`e2e-${run}-${i}`));
    });
    const open = await waitSettled(cloud, ids, 300_000);
    // let the trailing notifications and status events land before counting
    // writes and CPU; the outcomes are read after, so that reading them (an
    // HTTP request per order) is not charged to the orders
    await new Promise((r) => setTimeout(r, 3_000));
    const after = cloud.dynamodbWrites();
    const orderSpent = spent();
    const orderCost = costOf(orderSpent, orders);
    const byThread = threadsSpent();
    const outcome = await readOutcomes(
      cloud,
      token,
      ids.filter((id) => !open.has(id)),
    );
    const doneAt = [...outcome.fulfilledAt].sort((a, b) => a - b);
    const p90 = Math.ceil(orders * 0.9);
    const saturatedUntil = doneAt[Math.min(p90, doneAt.length) - 1] ?? Date.now();
    const fulfilledBySaturation = Math.min(p90, doneAt.length);
    const seconds = Math.max(0.001, (saturatedUntil - started) / 1000);
    const lastSeconds = ((doneAt[doneAt.length - 1] ?? Date.now()) - started) / 1000;
    const rawAfter = await meteredLoop(cloud.dynamodbPid, RAW_PUTS / 2, concurrency, (i) =>
      put(1_000_000 + i),
    );
    const raw = combine([rawBefore, rawAfter]);
    const writesByTable = Object.fromEntries(
      Object.entries(after)
        .filter(([t]) => t !== rawTable)
        // by topology name, as earlier reports list them (the physical names carry random suffixes)
        .map(([t, n]) => [tableKeyOf.get(t) ?? t, (n - (before[t] ?? 0)) / orders]),
    );
    // The pipeline's own writes: the sandbox providers' ledgers stand in for a
    // PSP's and a messaging service's books (other companies' databases on
    // AWS), listed but not counted.
    const writesPerOrder = Object.entries(writesByTable)
      .filter(([table]) => !PROVIDER_LEDGERS.has(table))
      .reduce((sum, [, n]) => sum + n, 0);
    // Fewer than 90 % fulfilled within the bound: the rate of those that were.
    const endToEndPerSecond =
      doneAt.length >= p90 ? fulfilledBySaturation / seconds : doneAt.length / lastSeconds;
    const ceiling = raw.perSecond / WRITE_BUDGET;
    return {
      concurrency,
      rawPutsPerSecond: raw.perSecond,
      ingressPerSecond: ingress.perSecond,
      rawIngressCallsPerSecond: rawIngress.perSecond,
      rawIngressCallsMedianMs: median(rawIngress.latencies),
      ingressVsRaw: ingress.perSecond / rawIngress.perSecond,
      ingressMedianMs: median(ingress.latencies),
      rawPutMedianMs: median(raw.latencies),
      writesPerOrder,
      writesByTable,
      endToEndOrders: outcome.fulfilled,
      endToEndPerSecond,
      endToEndVsCeiling: endToEndPerSecond / ceiling,
      endToEndLastSeconds: lastSeconds,
      medianSubmitToFulfilledMs: median(outcome.submitToFulfilledMs),
      unfinished: ids.length - outcome.fulfilled - outcome.cancelled,
      ...(ingress.cost && rawIngress.cost && orderCost && raw.cost
        ? {
            cpu: {
              ingressRequest: ingress.cost,
              ingressCalls: rawIngress.cost,
              order: orderCost,
              rawPut: raw.cost,
            },
          }
        : {}),
      ...(orderSpent && byThread
        ? { orderCpuByPart: cpuByPart(orderSpent, byThread, orders) }
        : {}),
      ...(ingress.spent && ingress.threads
        ? { ingressCpuByPart: cpuByPart(ingress.spent, ingress.threads, ingress.latencies.length) }
        : {}),
    };
  } finally {
    ddb.destroy();
    await cloud.stop();
    if (options.keepLogsIn) keepLogs(dirB, options.keepLogsIn, "pipeline-end-to-end");
    rmSync(dirB, { recursive: true, force: true });
  }
}

/**
 * The run's machine CPU split by what spent it, per unit of work (an order, a
 * request): DynamoDB Local's JVM (its request work and its JIT compiler
 * apart), each Lambda function's environments, the local cloud's main thread,
 * V8's background threads, and what is left (the kernel, other processes).
 */
function cpuByPart(machine: CpuSpent, byThread: Map<string, number>, units: number): CpuPart[] {
  // Linux keeps 15 characters of a thread's name: "lambda:PaymentS".
  const functionOf = (thread: string) =>
    Object.keys(functions).find((name) => `lambda:${name}`.startsWith(thread)) ??
    thread.slice("lambda:".length);
  const kindOf = (part: string): CpuPart["kind"] =>
    part === DYNAMODB_PART || part === MAIN_PART
      ? "engines"
      : part === V8_PART || part.startsWith("λ ")
        ? "handlers"
        : "other";
  const parts = new Map<string, number>([
    [DYNAMODB_PART, machine.processMs - machine.jitMs],
    [DYNAMODB_JIT_PART, machine.jitMs],
  ]);
  const add = (part: string, ms: number) => parts.set(part, (parts.get(part) ?? 0) + ms);
  for (const [thread, ms] of byThread) {
    if (thread === "main") add(MAIN_PART, ms);
    else if (thread === "V8Worker") add(V8_PART, ms);
    else if (thread.startsWith("lambda:")) add(`λ ${functionOf(thread)}`, ms);
    else add("other threads of the cloud's process", ms);
  }
  const counted = [...parts.values()].reduce((sum, ms) => sum + ms, 0);
  add("rest of the machine: kernel, other processes", Math.max(0, machine.machineMs - counted));
  return [...parts]
    .map(([part, ms]) => ({ part, ms: ms / units, kind: kindOf(part) }))
    .filter(({ ms }) => ms >= 0.05)
    .sort((a, b) => b.ms - a.ms);
}

const DYNAMODB_PART = "DynamoDB Local: requests, storage, GC";
const V8_PART = "V8 background threads: garbage collection, JIT";
const DYNAMODB_JIT_PART =
  "DynamoDB Local: JIT compiler threads (they run while the JVM warms, at their own pace: charged to whatever runs meanwhile)";
const MAIN_PART =
  "main thread: gateway, AWS endpoint, EventBridge, Step Functions, SQS and SNS, logs, the bench's client";

/** Copies a stopped cloud's log database to `<into>/<name>.logs.sqlite`, replacing the last run's. */
function keepLogs(dataDir: string, into: string, name: string) {
  const from = join(dataDir, "logs.sqlite");
  if (!existsSync(from)) return;
  mkdirSync(into, { recursive: true });
  copyFileSync(from, join(into, `${name}.logs.sqlite`));
}

const bareClient = (cloud: LocalCloud) =>
  new DynamoDBClient({ endpoint: cloud.urls.aws, region: REGION, credentials: fakeCredentials });

/** A new table shaped like `source`: keys, indexes, stream. Returns its name. */
async function twinTable(ddb: DynamoDBClient, source: string, name: string) {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: source }));
  if (!Table) throw new Error(`bench: ${source} not found`);
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: Table.KeySchema,
      AttributeDefinitions: Table.AttributeDefinitions,
      ...(Table.GlobalSecondaryIndexes?.length
        ? {
            GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }
        : {}),
      ...(Table.StreamSpecification ? { StreamSpecification: Table.StreamSpecification } : {}),
    }),
  );
  return name;
}

/**
 * Polls the byStatus index until every order is FULFILLED or CANCELLED;
 * returns those that are not. Progress is observed through the index (two
 * queries per second with a bare client), not by polling every order through
 * the API: each poll would be a gateway request, a Lambda invocation and a
 * query, load on the very cloud being measured.
 */
async function waitSettled(cloud: LocalCloud, ids: string[], timeoutMs: number) {
  const ddb = bareClient(cloud);
  const open = new Set(ids);
  const deadline = Date.now() + timeoutMs;
  try {
    while (open.size && Date.now() < deadline) {
      for (const status of ["FULFILLED", "CANCELLED"]) {
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await ddb.send(
            new QueryCommand({
              TableName: ordersTable(),
              IndexName: "byStatus",
              KeyConditionExpression: "gsi1pk = :s",
              ExpressionAttributeValues: { ":s": { S: `STATUS#${status}` } },
              ProjectionExpression: "pk",
              ExclusiveStartKey,
            }),
          );
          for (const item of page.Items ?? [])
            open.delete(item.pk?.S?.replace(/^ORDER#/, "") ?? "");
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      }
      if (open.size) await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    ddb.destroy();
  }
  return open;
}

/** Each settled order's outcome and timing, from its own timeline (its status URL), read once all have settled. */
async function readOutcomes(cloud: LocalCloud, token: string, settled: string[]) {
  const submitToFulfilledMs: number[] = [];
  const fulfilledAt: number[] = [];
  let fulfilled = 0;
  let cancelled = 0;
  for (let i = 0; i < settled.length; i += 4) {
    await Promise.all(
      settled.slice(i, i + 4).map(async (id) => {
        const response = await fetch(`${cloud.urls.web}/api/orders/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw new Error(`order ${id}: ${response.status}`);
        const order = (await response.json()) as {
          status: string;
          timeline: { kind: string; at: string }[];
        };
        if (order.status === "CANCELLED") return void cancelled++;
        fulfilled++;
        const at = (kind: string) => order.timeline.find((e) => e.kind === kind)?.at;
        const accepted = at("ACCEPTED");
        const done = at("FULFILLED");
        if (accepted && done) submitToFulfilledMs.push(Date.parse(done) - Date.parse(accepted));
        if (done) fulfilledAt.push(Date.parse(done));
      }),
    );
  }
  return { fulfilled, cancelled, submitToFulfilledMs, fulfilledAt };
}

export function formatPipelineBench(b: PipelineBench): string[] {
  const f = (n: number, d = 1) => n.toFixed(d);
  return [
    `ingress            ${f(b.ingressPerSecond)} req/s (median ${f(b.ingressMedianMs)} ms) vs its DynamoDB calls direct ${f(b.rawIngressCallsPerSecond)}/s (median ${f(b.rawIngressCallsMedianMs)} ms) at ${b.concurrency} in flight: ${f(b.ingressVsRaw, 2)} (target ≥ 0.70)`,
    `raw put            ${f(b.rawPutsPerSecond)}/s (median ${f(b.rawPutMedianMs)} ms): the write rate the end-to-end ceiling divides by ${WRITE_BUDGET}`,
    `writes per order   ${f(b.writesPerOrder, 1)} vs budget ${WRITE_BUDGET} (${Object.entries(
      b.writesByTable,
    )
      .map(([t, n]) => `${t} ${f(n, 1)}`)
      .join(", ")})`,
    `end to end         ${f(b.endToEndPerSecond, 2)} orders/s to FULFILLED at saturation (first 90 % of ${b.endToEndOrders} orders, ${b.unfinished} unfinished; last FULFILLED after ${f(b.endToEndLastSeconds)} s) vs raw writes ÷ ${WRITE_BUDGET} = ${f(b.rawPutsPerSecond / WRITE_BUDGET, 2)}/s: ${f(b.endToEndVsCeiling, 2)} (target ≥ 0.60)`,
    `submit → FULFILLED median ${f(b.medianSubmitToFulfilledMs, 0)} ms`,
    ...(b.cpu
      ? [
          `CPU per request    ${cost(b.cpu.ingressRequest)} vs its DynamoDB calls direct ${cost(b.cpu.ingressCalls)}: ×${f(b.cpu.ingressRequest.machineMs / b.cpu.ingressCalls.machineMs, 2)} (the 0.70 target needs ≤ ×${f(1 / 0.7, 2)})`,
          `CPU per order      ${cost(b.cpu.order)} vs ${WRITE_BUDGET} raw puts ${cost(b.cpu.rawPut, WRITE_BUDGET)}: ×${f(b.cpu.order.machineMs / (WRITE_BUDGET * b.cpu.rawPut.machineMs), 2)} (the 0.60 target needs ≤ ×${f(1 / 0.6, 2)})`,
        ]
      : []),
    ...(b.ingressCpuByPart
      ? [
          `CPU per request by part: ${b.ingressCpuByPart.map(({ part, ms }) => `${shortPart(part)} ${f(ms)} ms`).join(", ")}`,
        ]
      : []),
    ...(b.orderCpuByPart
      ? [
          `CPU per order by part: ${b.orderCpuByPart.map(({ part, ms }) => `${shortPart(part)} ${f(ms)} ms`).join(", ")}`,
        ]
      : []),
  ];
}

/** A part's name for one line of the terminal: "DynamoDB Local's JIT", "main thread", "λ Notifier". */
const shortPart = (part: string) =>
  part === DYNAMODB_JIT_PART ? "DynamoDB Local's JIT" : part.split(":")[0];

/** "12.3 ms (DynamoDB Local 4.5 ms, its JIT 2.0 ms)", for `times` units of work. */
function cost(c: CpuCost, times = 1) {
  return `${(c.machineMs * times).toFixed(1)} ms (DynamoDB Local ${(c.dynamodbMs * times).toFixed(1)} ms, its JIT ${(c.dynamodbJitMs * times).toFixed(1)} ms)`;
}
