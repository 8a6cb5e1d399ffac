import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functions, queues, rules, tables } from "@orders/core/topology";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deployment, deploymentOf, ensureGraph } from ".";

describe("deployment(): the graph's physical names, keyed by the topology", () => {
  const d = deployment();

  it("names every table, queue and function as SST does, with ARNs in the local account", () => {
    expect(Object.keys(d.tables).sort()).toEqual(Object.keys(tables).sort());
    expect(d.tables.OrdersTable.name).toMatch(/^orders-local-OrdersTableTable-[a-z]{8}$/);
    expect(d.tables.OrdersTable.arn).toBe(
      `arn:aws:dynamodb:us-east-1:000000000000:table/${d.tables.OrdersTable.name}`,
    );
    expect(Object.keys(d.queues).sort()).toEqual(Object.keys(queues).sort());
    expect(d.queues.PaymentQueue.name).toMatch(/^orders-local-PaymentQueueQueue-[a-z]{8}$/);
    expect(Object.keys(d.functions).sort()).toEqual(Object.keys(functions).sort());
    const ingress = d.functions.Ingress;
    expect(ingress.name).toMatch(/^orders-local-IngressFunction-[a-z]{8}$/);
    expect(ingress.arn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${ingress.name}`);
    expect(ingress.roleName).toMatch(/^orders-local-IngressRole-[a-z]{8}$/);
    expect(ingress.roleArn).toBe(`arn:aws:iam::000000000000:role/${ingress.roleName}`);
    expect(ingress.logGroup).toMatch(/^\/aws\/lambda\/orders-local-IngressFunction-[a-z]{8}$/);
  });

  it("puts each rule on its bus, with the ARN EventBridge gives it there", () => {
    expect(Object.keys(d.rules).sort()).toEqual(Object.keys(rules).sort());
    expect(d.bus.name).toMatch(/^orders-local-BusBus-[a-z]{8}$/);
    const payment = d.rules.OrderPlacedToPayment;
    expect(payment.busName).toBe(d.bus.name);
    expect(payment.arn).toBe(
      `arn:aws:events:us-east-1:000000000000:rule/${d.bus.name}/${payment.name}`,
    );
    const compensator = d.rules.SagaEndedToCompensator;
    expect(compensator.busName).toBe("default");
    expect(compensator.arn).toBe(`arn:aws:events:us-east-1:000000000000:rule/${compensator.name}`);
    expect(d.rules.OrderPlacedToSaga.targetRoleArn).toMatch(/^arn:aws:iam::000000000000:role\//);
  });

  it("names the saga, its role, the topic and the archive", () => {
    expect(d.stateMachine.name).toBe("orders-local-FulfillmentSaga");
    expect(d.stateMachine.arn).toBe(
      "arn:aws:states:us-east-1:000000000000:stateMachine:orders-local-FulfillmentSaga",
    );
    expect(d.stateMachine.roleArn).toMatch(/^arn:aws:iam::000000000000:role\/FulfillmentSagaRole/);
    expect(d.topics.NotificationsTopic.name).toMatch(
      /^orders-local-NotificationsTopicTopic-[a-z]{8}$/,
    );
    expect(d.archive.arn).toBe(`arn:aws:events:us-east-1:000000000000:archive/${d.archive.name}`);
  });

  it("refuses a graph that lacks a topology resource, naming it", () => {
    const withoutPaymentQueue = d.resources.filter(
      (r) => !(r.parent === "PaymentQueue" && r.type === "aws:sqs/queue:Queue"),
    );
    expect(() => deploymentOf(withoutPaymentQueue)).toThrow(
      /no resource for PaymentQueue \(aws:sqs\/queue:Queue\).*graph and the topology disagree/,
    );
  });
});

describe("ensureGraph: rebuilt when what the synth reads changes, cached otherwise", () => {
  let root: string;
  const runs = () => readFileSync(join(root, "runs"), "utf8").length;
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const quiet = { log: () => {} };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "graph-"));
    // A stand-in for scripts/synth/synth.mjs: counts its runs, takes a moment, writes a graph.
    write(
      "scripts/synth/synth.mjs",
      `import { appendFileSync, writeFileSync } from "node:fs";
appendFileSync(${JSON.stringify(join(root, "runs"))}, "x");
await new Promise((r) => setTimeout(r, 300));
writeFileSync(process.argv[3], JSON.stringify([{ type: "t", name: "n", parent: null, inputs: {}, outputs: {} }]));`,
    );
    write("runs", "");
    write("sst.config.ts", "export default {};");
    write("infra/storage.ts", "export const a = 1;");
    write("infra/storage.test.ts", "// a test");
    write("packages/core/src/topology/resources.ts", "export const b = 1;");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("builds once, then answers from the cache", () => {
    const file = ensureGraph({ root, ...quiet });
    expect(file).toBe(join(root, ".cache/graph/graph.json"));
    expect(JSON.parse(readFileSync(file, "utf8"))[0].name).toBe("n");
    ensureGraph({ root, ...quiet });
    expect(runs()).toBe(1);
  });

  it.each([
    ["infra/storage.ts"],
    ["sst.config.ts"],
    ["packages/core/src/topology/resources.ts"],
    ["infra/new-concern.ts"],
  ])("rebuilds when %s changes, and says so in one line", (file) => {
    ensureGraph({ root, ...quiet });
    write(file, "export const changed = true;");
    const lines: string[] = [];
    ensureGraph({ root, log: (line) => lines.push(line) });
    expect(runs()).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^graph: rebuilt \.cache\/graph\/graph\.json/)]);
  });

  it("rebuilds when the derived-events setting changes (the synth reads it)", () => {
    const before = process.env.ORDERS_DERIVED_EVENTS;
    try {
      delete process.env.ORDERS_DERIVED_EVENTS;
      ensureGraph({ root, ...quiet });
      process.env.ORDERS_DERIVED_EVENTS = "pipe";
      ensureGraph({ root, ...quiet });
      expect(runs()).toBe(2);
    } finally {
      if (before === undefined) delete process.env.ORDERS_DERIVED_EVENTS;
      else process.env.ORDERS_DERIVED_EVENTS = before;
    }
  });

  it("ignores tests beside the infra and the topology", () => {
    ensureGraph({ root, ...quiet });
    write("infra/storage.test.ts", "// another test");
    write("packages/core/src/topology/topology.test.ts", "// new");
    ensureGraph({ root, ...quiet });
    expect(runs()).toBe(1);
  });

  it("says why when the synth fails and there is no graph yet", () => {
    write("scripts/synth/synth.mjs", 'console.error("boom: infra/api.ts"); process.exit(2);');
    expect(() => ensureGraph({ root, ...quiet })).toThrow(
      /synth failed and no graph was built before:\nexit 2: boom: infra\/api\.ts/,
    );
  });

  it("keeps the last graph, loudly, while the infra does not synthesize, and tries again once it changes", () => {
    const file = ensureGraph({ root, ...quiet });
    const good = readFileSync(file, "utf8");
    const synth = readFileSync(join(root, "scripts/synth/synth.mjs"), "utf8");
    write(
      "scripts/synth/synth.mjs",
      synth.replace(
        "await new Promise",
        'console.error("Error: no module offered it"); process.exit(1);\nawait new Promise',
      ),
    );
    const lines: string[] = [];
    expect(ensureGraph({ root, log: (l) => lines.push(l) })).toBe(file);
    expect(ensureGraph({ root, log: (l) => lines.push(l) })).toBe(file);
    expect(readFileSync(file, "utf8")).toBe(good);
    expect(lines).toEqual([
      expect.stringMatching(
        /^graph: WARNING pnpm synth fails .*using the last graph built.*exit 1: Error: no module offered it/,
      ),
      expect.stringMatching(/^graph: WARNING/),
    ]);
    // One attempt for these inputs, not one per ensure.
    expect(runs()).toBe(2);
    // Fixed with another edit: built anew.
    write("scripts/synth/synth.mjs", synth);
    write("infra/storage.ts", "export const fixed = true;");
    ensureGraph({ root, ...quiet });
    expect(runs()).toBe(3);
  });

  it("leaves a whole graph when two processes ensure it at once", async () => {
    const child = () =>
      new Promise<number | null>((resolve) => {
        const p = spawn(
          process.execPath,
          [
            "--import",
            "tsx",
            "-e",
            `import("${join(import.meta.dirname, "ensure.ts")}").then((m) => m.ensureGraph({ root: ${JSON.stringify(root)} }))`,
          ],
          { stdio: "ignore" },
        );
        p.on("exit", resolve);
      });
    expect(await Promise.all([child(), child()])).toEqual([0, 0]);
    const file = join(root, ".cache/graph/graph.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toHaveLength(1);
    ensureGraph({ root, ...quiet });
    expect(runs()).toBeLessThanOrEqual(2);
  });
});
