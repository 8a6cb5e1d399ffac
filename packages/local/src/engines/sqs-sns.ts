import { mkdirSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import { LOOPBACK, REGION } from "../config";
import type { QueueSnapshot } from "../services/cloudwatch";

// fauxqs (SQS + SNS), in this process, persisted to SQLite under
// <dataDir>/sqs-sns (write-through: every accepted message is on disk before
// the reply; see engines.integration.test.ts for the SIGKILL proof).
//
// fauxqs 2.4.1 always listens on 0.0.0.0 (its `host` option only shapes queue
// URLs). While it starts, we rewrite that one bind address to loopback; the
// test `sqs-sns engine listens on loopback only` keeps this honest. Clients
// never talk to it directly: the AWS endpoint router proxies to it.

export interface SqsSnsEngine {
  endpoint: string;
  port: number;
  server: FauxqsServer;
  /** A queue's counts and its oldest message, read without receiving (CloudWatch's SQS metrics). */
  snapshot(queueName: string): QueueSnapshot | undefined;
  healthy(): Promise<boolean>;
  stop(): Promise<void>;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "", undefined]);

let starting: Promise<unknown> = Promise.resolve();

export async function startSqsSns(options: {
  dataDir: string;
  port?: number;
}): Promise<SqsSnsEngine> {
  const dir = join(options.dataDir, "sqs-sns");
  mkdirSync(dir, { recursive: true });
  // Starts are serialised so the bind-address patch is never observed by anything else.
  const previous = starting;
  let release!: () => void;
  starting = new Promise<void>((r) => {
    release = r;
  });
  await previous;
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
    const first = args[0];
    if (first && typeof first === "object" && !("fd" in first) && !("path" in first)) {
      const opts = first as net.ListenOptions;
      if (WILDCARDS.has(opts.host)) args[0] = { ...opts, host: LOOPBACK };
    }
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  let server: FauxqsServer;
  try {
    server = await startFauxqs({
      port: options.port ?? 0,
      logger: false,
      dataDir: dir,
      defaultRegion: REGION,
    });
  } finally {
    net.Server.prototype.listen = listen;
    release();
  }
  const endpoint = `http://${LOOPBACK}:${server.port}`;
  let stopped = false;
  return {
    endpoint,
    port: server.port,
    server,
    snapshot(queueName) {
      const queue = server.inspectQueue(queueName);
      if (!queue) return undefined;
      const { ready, delayed, inflight } = queue.messages;
      let oldest: number | null = null;
      for (const m of [...ready, ...delayed, ...inflight.map((i) => i.message)])
        if (oldest === null || m.sentTimestamp < oldest) oldest = m.sentTimestamp;
      return {
        visible: ready.length,
        inFlight: inflight.length,
        delayed: delayed.length,
        oldestSentAt: oldest,
      };
    },
    async healthy() {
      if (stopped) return false;
      const res = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "AmazonSQS.ListQueues",
        },
        body: JSON.stringify({ MaxResults: 1 }),
        signal: AbortSignal.timeout(2_000),
      });
      await res.arrayBuffer();
      return res.status === 200;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
