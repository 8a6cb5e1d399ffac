import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import { LOOPBACK, repoRoot } from "../config";
import { freePort, waitFor } from "./ports";

// AWS's own DynamoDB Local (Java), persisted under <dataDir>/dynamodb.
//
// The jar has no bind-address flag and listens on every interface, so it is
// started through LoopbackDynamoDBLocal.java, which sets its Jetty connector to
// 127.0.0.1 and exits when our pipe to its stdin closes — including when this
// process is SIGKILLed, so no orphan keeps the port or the database.

export interface DynamoDbEngine {
  endpoint: string;
  port: number;
  pid: number;
  healthy(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface DynamoDbEngineOptions {
  dataDir: string;
  /** 0 or unset: an ephemeral loopback port. */
  port?: number;
  /** Keep the data in memory only (benchmarks, throwaway stream tables). */
  inMemory?: boolean;
}

export const dynamoDbLocalDir = () => resolve(repoRoot, ".cache/dynamodb-local");

/** Fetch the engine with the set-up script if this checkout has not got it yet. */
export function ensureDynamoDbLocal(): string {
  const jar = join(dynamoDbLocalDir(), "DynamoDBLocal.jar");
  if (!existsSync(jar)) {
    execFileSync(process.execPath, [resolve(repoRoot, "scripts/setup-dynamodb-local.mjs")], {
      stdio: "inherit",
    });
  }
  if (!existsSync(jar)) throw new Error(`DynamoDB Local: ${jar} missing after set-up`);
  return jar;
}

export async function startDynamoDb(options: DynamoDbEngineOptions): Promise<DynamoDbEngine> {
  const jar = ensureDynamoDbLocal();
  const port = options.port || (await freePort());
  const dbPath = join(options.dataDir, "dynamodb");
  mkdirSync(dbPath, { recursive: true });
  const logFd = openSync(join(options.dataDir, "dynamodb.log"), "a");
  const child: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(dynamoDbLocalDir(), "DynamoDBLocal_lib")}`,
      "-cp",
      jar,
      resolve(import.meta.dirname, "LoopbackDynamoDBLocal.java"),
      "-port",
      String(port),
      ...(options.inMemory ? ["-inMemory"] : ["-dbPath", dbPath]),
      "-sharedDb",
      "-disableTelemetry",
    ],
    // stdin stays an open pipe: its EOF is the engine's signal that we are gone.
    { cwd: dynamoDbLocalDir(), stdio: ["pipe", logFd, logFd] },
  );
  closeSync(logFd);
  let exit: string | undefined;
  child.once("exit", (code, signal) => {
    exit = `exited (${signal ?? code})`;
  });
  const endpoint = `http://${LOOPBACK}:${port}`;
  const healthy = async () => {
    if (exit) return false;
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.ListTables",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: JSON.stringify({ Limit: 1 }),
      signal: AbortSignal.timeout(2_000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor("DynamoDB Local", healthy, { abort: () => exit });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid: child.pid!, healthy, stop };
}
