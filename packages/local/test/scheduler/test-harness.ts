// Test wiring for the local Scheduler: the service behind the protocol layer's
// dispatcher over HTTP, a real SDK v3 client, an injectable clock, and fauxqs
// for SQS targets and DLQs (the eventbridge harness's).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import {
  createScheduler,
  type Scheduler,
  type SchedulerOptions,
  schedulerService,
} from "../../src/services/scheduler";
import { serveAwsServices } from "../aws-server";

export const ACCOUNT = "012345679012";
export const REGION = "us-east-1";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler-test`;

/** A clock tests move by hand; `tickMs` > 0 also moves it on each reading, as time passes between two. */
export function manualClock(start = Date.parse("2026-12-06T10:00:00Z"), tickMs = 0) {
  let t = start;
  return {
    now: () => {
      t += tickMs;
      return t;
    },
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export interface SchedulerHarness {
  scheduler: Scheduler;
  client: SchedulerClient;
  endpoint: string;
  dataDir: string;
  /** Close (keeping the data folder) and start again on the same folder. */
  restart(overrides?: Partial<SchedulerOptions>): Promise<void>;
  stop(): Promise<void>;
}

export async function startScheduler(
  options: Pick<SchedulerOptions, "deliver"> & Partial<SchedulerOptions>,
): Promise<SchedulerHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "scheduler-test-"));
  const make = (o: Partial<SchedulerOptions>) =>
    createScheduler({
      accountId: ACCOUNT,
      region: REGION,
      retryBaseDelayMs: 1000,
      retryMaxDelayMs: 60_000,
      autoStart: false,
      ...options,
      ...o,
      dataDir,
    });
  const h = { scheduler: make({}), dataDir } as SchedulerHarness;
  const server = await serveAwsServices([
    schedulerService(() => h.scheduler, { region: REGION, accountId: ACCOUNT }),
  ]);
  h.endpoint = server.url;
  h.client = new SchedulerClient({
    endpoint: server.url,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  h.restart = async (o = {}) => {
    await h.scheduler.close();
    h.scheduler = make(o);
  };
  h.stop = async () => {
    h.client.destroy();
    await h.scheduler.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return h;
}
