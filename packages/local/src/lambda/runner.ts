import { randomUUID } from "node:crypto";
import { existsSync, type FSWatcher, watch } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { ACCOUNT_ID, REGION, repoRoot } from "../config";
import type { LogStore } from "../services/cloudwatch-logs";
import { type AsyncInvocation, openAsyncQueue } from "./async-queue";
import { type Bundler, buildError, createBundler } from "./bundle";
import type {
  FunctionErrorShape,
  InvokeRequest,
  LoadRequest,
  WorkerData,
  WorkerReply,
} from "./protocol";

// The Lambda runner: the offline counterpart of `sst dev`'s live Lambda. Each
// function runs bundled from source, as SST deploys it (bundle.ts), in worker
// threads ("execution environments"):
// one invocation at a time per environment, warm environments reused, at most
// `concurrency` of them per function, the function's own env (links, endpoint,
// Powertools settings), its timeout (the worker is killed: Sandbox.Timedout)
// and memory (V8 heap limit) enforced. Output is captured per invocation into
// the log store. Edits under the watched folders recycle every environment.

export interface FunctionDefinition {
  name: string;
  /**
   * The deployed function's name (the graph's, `orders-local-IngressFunction-…`):
   * what the handler's context, its ARN and the Lambda API answer to. `name`
   * keeps answering too. Default: `name`.
   */
  physicalName?: string;
  /** `packages/functions/src/ingress.handler`: file (from the repo root, no extension) + export. */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  env?: Record<string, string>;
  /** Environments (concurrent invocations) this function may have. Default 4. */
  concurrency?: number;
  /**
   * Lambda's on-failure destination for asynchronous invocations (an EventBridge
   * target, `InvocationType: Event`): receives AWS's destination record once the
   * invocation and its two retries all failed. Without one the event is dropped.
   */
  onAsyncFailure?: (record: AsyncFailureRecord) => Promise<void>;
}

/** What Lambda sends an on-failure destination (AWS's invocation record, version 1.0). */
export interface AsyncFailureRecord {
  version: "1.0";
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: "RetriesExhausted";
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: "$LATEST"; functionError?: string };
  responsePayload: unknown;
}

export interface InvokeResult {
  requestId: string;
  /** The handler's return value (JSON-decoded), or AWS's error payload when functionError is set. */
  payload: unknown;
  /** "Unhandled" like X-Amz-Function-Error when the function failed. */
  functionError?: "Unhandled";
  error?: FunctionErrorShape;
  durationMs: number;
}

export interface RunnerStats {
  environments: number;
  busy: number;
  waiting: number;
  invocations: number;
  errors: number;
}

export interface LambdaRunner {
  invoke(
    nameOrArn: string,
    event: unknown,
    options?: { requestId?: string },
  ): Promise<InvokeResult>;
  /**
   * InvocationType Event: returns once the event is queued (durably with
   * `dataDir`); failures are retried twice, like AWS.
   */
  invokeAsync(nameOrArn: string, event: unknown): string;
  has(nameOrArn: string): boolean;
  functionArn(name: string): string;
  functionNames(): string[];
  /** The log group a function's lines belong to (CloudWatch Logs names it so). */
  logGroupOf(name: string): string;
  /** Recycle every environment: the next invocation loads the code afresh. */
  reload(): void;
  stats(): Record<string, RunnerStats>;
  /** Resolves when no asynchronous invocation is pending. */
  idle(): Promise<void>;
  /**
   * Start one environment per function (all when no names) and load its code,
   * like provisioned concurrency: a cold start here (module loading, and the
   * first one waits for the bundles) would otherwise land on the first request.
   */
  warm(names?: string[]): Promise<void>;
  close(): Promise<void>;
  logs: LogStore;
}

export interface LambdaRunnerOptions {
  functions: FunctionDefinition[];
  logs: LogStore;
  region?: string;
  accountId?: string;
  /** Folders whose changes recycle the environments (hot reload). */
  watch?: string[];
  /**
   * The handlers' bundler, made (and maybe already building) and closed by
   * the caller. By default the runner's own, in a temporary folder.
   */
  bundler?: Bundler;
  /** Also print handler output to this process's stdout, prefixed by the function name. */
  echo?: boolean;
  /** Debugging: no timeouts, so a breakpoint does not kill the invocation. */
  inspect?: boolean;
  /**
   * Where accepted asynchronous invocations are kept until done
   * (`lambda-async.sqlite`), so a restart resumes them. Default: in memory.
   */
  dataDir?: string;
  /** Delay before the n-th async retry (AWS waits minutes; locally seconds). */
  asyncRetryDelayMs?: (attempt: number) => number;
  /** A function's log group, as its deployment names it. Default `/aws/lambda/<name>`. */
  logGroup?: (functionName: string) => string;
}

const EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** `packages/functions/src/ingress.handler` → file and export name. */
export function resolveHandler(handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new Error(`handler "${handler}" is not <file>.<export>`);
  const base = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const absolute = isAbsolute(base) ? base : resolve(repoRoot, base);
  const file = EXTENSIONS.map((ext) => absolute + ext).find((f) => existsSync(f));
  if (!file) throw new Error(`handler "${handler}": no ${absolute}{${EXTENSIONS.join(",")}}`);
  return { file, exportName };
}

/** The env a Lambda environment starts with, before the function's own. */
const baseEnv = (): Record<string, string> => {
  const keep = ["PATH", "HOME", "LANG", "TZ", "TMPDIR", "NODE_EXTRA_CA_CERTS"];
  return Object.fromEntries(
    keep.flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k]!]] : [])),
  );
};

interface Environment {
  worker: Worker;
  generation: number;
  ready: Promise<FunctionErrorShape | undefined>;
  busy: boolean;
  dead: boolean;
  /** Loading its code: not yet offered to invocations. */
  starting: boolean;
  /** Set while an invocation runs: how to finish it from worker events. */
  settle?: (outcome: { payload?: string; error?: FunctionErrorShape; kill?: boolean }) => void;
}

interface FunctionState {
  def: FunctionDefinition;
  file: string;
  exportName: string;
  envs: Set<Environment>;
  waiting: Array<() => void>;
  invocations: number;
  errors: number;
}

export function createLambdaRunner(options: LambdaRunnerOptions): LambdaRunner {
  const region = options.region ?? REGION;
  const accountId = options.accountId ?? ACCOUNT_ID;
  const states = new Map<string, FunctionState>();
  const keyOfPhysical = new Map<string, string>();
  for (const def of options.functions) {
    if (def.physicalName) keyOfPhysical.set(def.physicalName, def.name);
    const { file, exportName } = resolveHandler(def.handler);
    states.set(def.name, {
      def,
      file,
      exportName,
      envs: new Set(),
      waiting: [],
      invocations: 0,
      errors: 0,
    });
  }
  let generation = 0;
  let closed = false;
  const bundler = options.bundler ?? createBundler([...states.values()].map((s) => s.file));
  const ownsBundler = !options.bundler;
  const pendingAsync = new Set<Promise<void>>();
  const physicalOf = (name: string) => states.get(name)?.def.physicalName ?? name;
  const functionArn = (name: string) =>
    `arn:aws:lambda:${region}:${accountId}:function:${physicalOf(name)}`;
  const logGroupOf = options.logGroup ?? ((name: string) => `/aws/lambda/${name}`);

  const nameOf = (nameOrArn: string) => {
    const arn = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)(:.+)?$/.exec(nameOrArn);
    const name = arn ? arn[1]! : nameOrArn;
    return keyOfPhysical.get(name) ?? name;
  };
  const stateOf = (nameOrArn: string) => {
    const state = states.get(nameOf(nameOrArn));
    if (!state) {
      throw Object.assign(new Error(`Function not found: ${functionArn(nameOf(nameOrArn))}`), {
        name: "ResourceNotFoundException",
      });
    }
    return state;
  };

  // Output lines of one invocation, split on newlines across chunks.
  const partial = new Map<string, string>();
  const correlationOf = new Map<string, string>();
  function record(
    fn: string,
    requestId: string,
    stream: "stdout" | "stderr" | "platform",
    text: string,
    flush = false,
  ) {
    const key = `${requestId}:${stream}`;
    const buffered = (partial.get(key) ?? "") + text;
    const lines = buffered.split("\n");
    const rest = flush ? "" : lines.pop()!;
    if (rest) partial.set(key, rest);
    else partial.delete(key);
    for (const line of flush ? lines.filter((l) => l !== "") : lines) {
      if (!line.trim()) continue;
      const correlation = /"correlation_id"\s*:\s*"([^"]+)"/.exec(line)?.[1];
      if (correlation && correlation !== "none") correlationOf.set(requestId, correlation);
      options.logs.append({
        time: Date.now(),
        functionName: fn,
        requestId,
        stream,
        message: line,
        correlationId: stream === "platform" ? (correlationOf.get(requestId) ?? null) : undefined,
      });
      if (options.echo) process.stdout.write(`[${fn}] ${line}\n`);
    }
  }

  function spawn(state: FunctionState): Environment {
    const { def } = state;
    const data: WorkerData = {
      file: state.file,
      exportName: state.exportName,
      functionName: physicalOf(def.name),
      functionArn: functionArn(def.name),
      memoryMb: def.memoryMb,
    };
    const worker = new Worker(bundler.runtime, {
      workerData: data,
      env: {
        ...baseEnv(),
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: physicalOf(def.name),
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(def.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: logGroupOf(def.name),
        _HANDLER: def.handler,
        ...def.env,
      },
      resourceLimits: { maxOldGenerationSizeMb: def.memoryMb },
      stdout: false,
      stderr: false,
      name: `lambda:${def.name}`,
    });
    worker.unref();
    let markReady!: (error: FunctionErrorShape | undefined) => void;
    const env: Environment = {
      worker,
      generation,
      busy: false,
      dead: false,
      starting: true,
      ready: new Promise((r) => {
        markReady = r;
      }),
    };
    void env.ready.then(() => {
      env.starting = false;
      starting--;
      // The fresh environment (or its init error) goes to whoever waits longest.
      wake(state);
      scaleOut();
    });
    starting++;
    const fail = (error: FunctionErrorShape) => {
      markReady(error);
      env.settle?.({ error, kill: true });
    };
    bundler.bundle(state.file, env.generation).then(
      (file) => worker.postMessage({ file } satisfies LoadRequest),
      (error) => markReady(buildError(error)),
    );
    worker.on("message", (message: WorkerReply) => {
      switch (message.type) {
        case "ready":
          return markReady(undefined);
        case "init-error":
          return markReady(message.error);
        case "log":
          return record(def.name, message.requestId, message.stream, message.text);
        case "result":
          return env.settle?.({ payload: message.payload });
        case "error":
          return env.settle?.({ error: message.error });
      }
    });
    worker.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
        return fail({
          errorType: "Runtime.OutOfMemory",
          errorMessage: `Runtime exited with error: out of memory (${def.memoryMb} MB)`,
          trace: [],
        });
      }
      fail({
        errorType: error.name || "Error",
        errorMessage: error.message,
        trace: (error.stack ?? "").split("\n"),
      });
    });
    worker.on("exit", (code) => {
      env.dead = true;
      state.envs.delete(env);
      fail({
        errorType: "Runtime.ExitError",
        errorMessage: `Runtime exited with error: exit status ${code}`,
        trace: [],
      });
      wake(state);
    });
    state.envs.add(env);
    return env;
  }

  function retire(state: FunctionState, env: Environment) {
    if (env.dead) return;
    env.dead = true;
    state.envs.delete(env);
    void env.worker.terminate();
  }

  function wake(state: FunctionState) {
    state.waiting.shift()?.();
  }

  // Scaling out: when every environment of a function is busy, an invocation
  // waits for the first one to become free, whether an existing one finishing
  // or a new one that is loading its code meanwhile. A cold start (transpiling
  // and loading modules: CPU) therefore never blocks an invocation that a warm
  // environment could take sooner, and at most STARTS_AT_ONCE environments load
  // at a time across all functions, so a burst cannot stall the machine with
  // cold starts (AWS likewise scales a function out gradually).
  const STARTS_AT_ONCE = 2;
  let starting = 0;
  function scaleOut() {
    for (const state of states.values()) {
      if (starting >= STARTS_AT_ONCE || closed) return;
      const loading = [...state.envs].some((e) => e.starting && e.generation === generation);
      if (state.waiting.length > 0 && !loading && state.envs.size < (state.def.concurrency ?? 4))
        spawn(state);
    }
  }

  async function acquire(state: FunctionState): Promise<Environment> {
    for (;;) {
      if (closed) throw Object.assign(new Error("runner closed"), { name: "ServiceException" });
      for (const env of state.envs) {
        if (!env.busy && !env.dead && !env.starting && env.generation === generation) {
          env.busy = true;
          return env;
        }
      }
      for (const env of state.envs) {
        // Idle environments of an older generation make room for fresh ones.
        if (!env.busy && !env.starting && env.generation !== generation) retire(state, env);
      }
      const woken = new Promise<void>((r) => state.waiting.push(r));
      scaleOut();
      await woken;
    }
  }

  function release(state: FunctionState, env: Environment) {
    env.busy = false;
    env.settle = undefined;
    if (env.generation !== generation || closed) retire(state, env);
    wake(state);
  }

  async function invoke(
    nameOrArn: string,
    event: unknown,
    invokeOptions: { requestId?: string } = {},
  ): Promise<InvokeResult> {
    const state = stateOf(nameOrArn);
    const requestId = invokeOptions.requestId ?? randomUUID();
    const started = Date.now();
    state.invocations++;
    const env = await acquire(state);
    const initError = await env.ready;
    const finish = (payload: unknown, error?: FunctionErrorShape): InvokeResult => {
      const durationMs = Date.now() - started;
      record(
        state.def.name,
        requestId,
        "platform",
        `REPORT RequestId: ${requestId} Duration: ${durationMs} ms${error ? ` Status: error ${error.errorType}` : ""}\n`,
        true,
      );
      for (const stream of ["stdout", "stderr"] as const)
        record(state.def.name, requestId, stream, "", true);
      correlationOf.delete(requestId);
      if (error) {
        state.errors++;
        return { requestId, payload: error, functionError: "Unhandled", error, durationMs };
      }
      return { requestId, payload, durationMs };
    };
    if (initError) {
      retire(state, env);
      wake(state);
      return finish(undefined, initError);
    }
    const timeoutMs = state.def.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const outcome = await new Promise<{
      payload?: string;
      error?: FunctionErrorShape;
      kill?: boolean;
    }>((settle) => {
      let timer: NodeJS.Timeout | undefined;
      env.settle = (o) => {
        clearTimeout(timer);
        env.settle = undefined;
        settle(o);
      };
      if (!options.inspect) {
        timer = setTimeout(() => {
          env.settle?.({
            kill: true,
            error: {
              errorType: "Sandbox.Timedout",
              errorMessage: `${requestId} Task timed out after ${state.def.timeoutSeconds.toFixed(2)} seconds`,
              trace: [],
            },
          });
        }, timeoutMs);
      }
      env.worker.postMessage({ requestId, event, deadline } satisfies InvokeRequest);
    });
    if (outcome.kill) {
      retire(state, env);
      wake(state);
    } else {
      release(state, env);
    }
    if (outcome.error) return finish(undefined, outcome.error);
    return finish(JSON.parse(outcome.payload ?? "null"));
  }

  // Asynchronous invocations, as Lambda runs them: up to three attempts (the
  // first and AWS's default two retries, after `asyncRetryDelayMs`: 1 s and
  // 2 s here where AWS waits about 1 and 2 minutes), then AWS's record to the
  // on-failure destination. Each stays in the durable queue (async-queue.ts)
  // from before Invoke's 202 until that is done, and a restart resumes it.
  const ASYNC_ATTEMPTS = 3;
  const retryDelay = options.asyncRetryDelayMs ?? ((attempt: number) => attempt * 1000);
  const asyncQueue = openAsyncQueue(options.dataDir);
  // Waits that close() cuts short: what is left is in the queue for the next start.
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  function runAsync(entry: AsyncInvocation) {
    const { requestId } = entry;
    const run = (async () => {
      const state = states.get(entry.functionName);
      if (!state) {
        process.stderr.write(
          `[lambda] dropping async invocation ${requestId}: no function ${entry.functionName} any more\n`,
        );
        return asyncQueue.remove(requestId);
      }
      const { def } = state;
      let { failedAttempts, lastError, nextAttemptAt } = entry;
      while (failedAttempts < ASYNC_ATTEMPTS) {
        if (nextAttemptAt > Date.now()) await sleep(nextAttemptAt - Date.now());
        if (closed) return;
        const result = await invoke(def.name, entry.event, { requestId }).catch(() => undefined);
        if (result && !result.functionError) return asyncQueue.remove(requestId);
        // Cut short by close(): not the function's failure; it runs again on the next start.
        if (closed) return;
        failedAttempts += 1;
        lastError = result?.functionError
          ? { functionError: result.functionError, payload: result.payload }
          : undefined;
        nextAttemptAt = Date.now() + retryDelay(failedAttempts);
        asyncQueue.failed(requestId, failedAttempts, nextAttemptAt, lastError);
      }
      // Without a destination AWS drops the event.
      if (!def.onAsyncFailure) return asyncQueue.remove(requestId);
      const record: AsyncFailureRecord = {
        version: "1.0",
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId,
          functionArn: `${functionArn(def.name)}:$LATEST`,
          condition: "RetriesExhausted",
          approximateInvokeCount: failedAttempts,
        },
        requestPayload: entry.event,
        responseContext: {
          statusCode: 200,
          executedVersion: "$LATEST",
          ...(lastError ? { functionError: lastError.functionError } : {}),
        },
        responsePayload: lastError?.payload ?? null,
      };
      // The record is delivered before the entry goes; a refusing destination is retried.
      for (let delivery = 1; !closed; delivery++) {
        try {
          await def.onAsyncFailure(record);
          return asyncQueue.remove(requestId);
        } catch (error) {
          process.stderr.write(
            `[lambda] ${def.name}: on-failure destination refused ${requestId} (delivery ${delivery}, retrying): ${(error as Error).message}\n`,
          );
          await sleep(retryDelay(ASYNC_ATTEMPTS - 1));
        }
      }
    })();
    pendingAsync.add(run);
    void run.finally(() => pendingAsync.delete(run));
  }

  function invokeAsync(nameOrArn: string, event: unknown): string {
    const { def } = stateOf(nameOrArn);
    if (closed) throw Object.assign(new Error("runner closed"), { name: "ServiceException" });
    const now = Date.now();
    const entry: AsyncInvocation = {
      requestId: randomUUID(),
      functionName: def.name,
      event,
      acceptedAt: now,
      failedAttempts: 0,
      nextAttemptAt: now,
    };
    asyncQueue.add(entry);
    runAsync(entry);
    return entry.requestId;
  }

  function reload() {
    generation++;
    for (const state of states.values()) {
      for (const env of [...state.envs]) if (!env.busy) retire(state, env);
    }
  }

  const watchers: FSWatcher[] = [];
  let reloadTimer: NodeJS.Timeout | undefined;
  for (const dir of options.watch ?? []) {
    if (!existsSync(dir)) continue;
    const watcher = watch(dir, { recursive: true }, (_event, file) => {
      if (file && /node_modules|\.test\.ts$/.test(String(file))) return;
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => {
        if (options.echo) process.stdout.write(`[lambda] ${file} changed: reloading handlers\n`);
        reload();
      }, 150);
    });
    watcher.unref();
    watchers.push(watcher);
  }

  // What a killed process accepted and had not finished.
  for (const entry of asyncQueue.pending()) runAsync(entry);

  return {
    invoke,
    invokeAsync,
    has: (nameOrArn) => states.has(nameOf(nameOrArn)),
    functionArn,
    functionNames: () => [...states.keys()],
    logGroupOf,
    reload,
    stats: () =>
      Object.fromEntries(
        [...states.values()].map((s) => [
          s.def.name,
          {
            environments: s.envs.size,
            busy: [...s.envs].filter((e) => e.busy).length,
            waiting: s.waiting.length,
            invocations: s.invocations,
            errors: s.errors,
          },
        ]),
      ),
    async warm(names) {
      // Two at a time: module loading is CPU-bound and the machine may have two cores.
      const queue = (names ?? [...states.keys()]).map((n) => stateOf(n));
      const next = async (): Promise<void> => {
        const state = queue.shift();
        if (!state || closed) return;
        if (state.envs.size === 0) await spawn(state).ready;
        return next();
      };
      await Promise.all([next(), next()]);
    },
    async idle() {
      while (pendingAsync.size) await Promise.allSettled([...pendingAsync]);
    },
    async close() {
      closed = true;
      clearTimeout(reloadTimer);
      for (const w of watchers) w.close();
      const all = [...states.values()].flatMap((s) => [...s.envs]);
      for (const state of states.values()) for (const wake of state.waiting.splice(0)) wake();
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled(all.map((e) => e.worker.terminate()));
      asyncQueue.close();
      if (ownsBundler) bundler.close();
    },
    logs: options.logs,
  };
}
