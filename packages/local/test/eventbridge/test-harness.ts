// Test and benchmark wiring: fauxqs on loopback with an ephemeral port, the local EventBridge
// behind its HTTP listener, and real SDK clients for both.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import type {
  EventBridge,
  EventBridgeOptions,
  TargetDeliverer,
} from "../../src/services/eventbridge";
import {
  createAwsDeliverer,
  createEventBridge,
  eventBridgeService,
} from "../../src/services/eventbridge";
import { serveAwsServices } from "../aws-server";

export const ACCOUNT = "012345679012";
export const REGION = "us-east-1";
const credentials = { accessKeyId: "local", secretAccessKey: "local" };

export interface Sqs {
  fauxqs: FauxqsServer;
  endpoint: string;
  client: SQSClient;
  deliverer: TargetDeliverer & { destroy(): void };
  createQueue(name: string): Promise<{ url: string; arn: string }>;
  /** Receives until the queue is empty (after delivery is idle, so nothing is still coming). */
  drain(url: string): Promise<Message[]>;
  stop(): Promise<void>;
}

export async function startSqs(): Promise<Sqs> {
  const fauxqs = await startFauxqs({ host: "127.0.0.1", port: 0, logger: false });
  const endpoint = `http://127.0.0.1:${fauxqs.port}`;
  const client = new SQSClient({ endpoint, region: REGION, credentials });
  const deliverer = createAwsDeliverer({ endpoint, region: REGION });
  return {
    fauxqs,
    endpoint,
    client,
    deliverer,
    async createQueue(name) {
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
      const attrs = await client.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
      );
      return { url: QueueUrl!, arn: attrs.Attributes!.QueueArn! };
    },
    async drain(url) {
      const out: Message[] = [];
      for (;;) {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ["All"],
          }),
        );
        if (Messages.length === 0) return out;
        out.push(...Messages);
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    },
    async stop() {
      client.destroy();
      deliverer.destroy();
      await fauxqs.stop();
    },
  };
}

export interface Bridge {
  eb: EventBridge;
  client: EventBridgeClient;
  endpoint: string;
  dataDir: string;
  /** Close (keeping the data folder) and start again on the same folder. */
  restart(overrides?: Partial<EventBridgeOptions>): Promise<void>;
  stop(): Promise<void>;
}

export async function startBridge(
  deliver: TargetDeliverer,
  overrides: Partial<EventBridgeOptions> = {},
): Promise<Bridge> {
  const dataDir = mkdtempSync(join(tmpdir(), "eventbridge-test-"));
  const make = (o: Partial<EventBridgeOptions>) =>
    createEventBridge({
      dataDir,
      accountId: ACCOUNT,
      region: REGION,
      deliver,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 50,
      ...o,
    });
  const bridge = { eb: make(overrides) } as Bridge;
  // The dispatcher always talks to the current instance, so clients survive a restart.
  const server = await serveAwsServices([
    eventBridgeService(() => bridge.eb, { region: REGION, accountId: ACCOUNT }),
  ]);
  const endpoint = server.url;
  bridge.endpoint = endpoint;
  bridge.dataDir = dataDir;
  bridge.client = new EventBridgeClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
  bridge.restart = async (o = {}) => {
    await bridge.eb.close();
    bridge.eb = make({ ...overrides, ...o });
  };
  bridge.stop = async () => {
    bridge.client.destroy();
    await bridge.eb.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return bridge;
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not reached before the deadline");
    await new Promise((r) => setTimeout(r, 20));
  }
}
