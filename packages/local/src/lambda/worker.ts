// One Lambda execution environment: a worker thread running one handler's
// bundle (bundle.ts), one invocation at a time, like a Lambda sandbox. Its
// process.env is its own (the runner passes the function's env), so links and
// settings never leak between functions. The runner sends the bundle's path
// once it is built: the thread starts meanwhile.
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { InvokeRequest, LoadRequest, WorkerData, WorkerReply } from "./protocol";

const data = workerData as WorkerData;
const port = parentPort!;
// Stack traces name the TypeScript sources, through the bundle's source map.
process.setSourceMapsEnabled(true);
let currentRequestId = "init";

// Everything written to stdout/stderr belongs to the invocation running now.
for (const stream of ["stdout", "stderr"] as const) {
  const target = process[stream];
  target.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const text =
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    port.postMessage({
      type: "log",
      requestId: currentRequestId,
      stream,
      text,
    } satisfies WorkerReply);
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof target.write;
}

function errorShape(error: unknown) {
  if (error instanceof Error) {
    return {
      errorType: error.name || "Error",
      errorMessage: error.message,
      trace: (error.stack ?? "").split("\n"),
    };
  }
  return { errorType: "Error", errorMessage: String(error), trace: [] as string[] };
}

type Handler = (event: unknown, context: unknown, callback?: unknown) => unknown;

let handler: Handler;
try {
  const { file } = await new Promise<LoadRequest>((r) => port.once("message", r));
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const exported =
    mod[data.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[data.exportName];
  if (typeof exported !== "function") {
    throw Object.assign(new Error(`${data.file} does not export ${data.exportName}`), {
      name: "Runtime.HandlerNotFound",
    });
  }
  handler = exported as Handler;
  port.postMessage({ type: "ready" } satisfies WorkerReply);
} catch (error) {
  const shape = errorShape(error);
  if (!shape.errorType.startsWith("Runtime.")) shape.errorType = "Runtime.ImportModuleError";
  port.postMessage({ type: "init-error", error: shape } satisfies WorkerReply);
}

port.on("message", async (request: InvokeRequest) => {
  currentRequestId = request.requestId;
  const context = {
    awsRequestId: request.requestId,
    functionName: data.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: data.functionArn,
    memoryLimitInMB: String(data.memoryMb),
    // The runner sets the group the deployment names (AWS_LAMBDA_LOG_GROUP_NAME), as Lambda does.
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${data.functionName}`,
    logStreamName: `local/${data.functionName}/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  try {
    // Callback-style handlers (three parameters) resolve through the callback.
    const result =
      handler.length >= 3
        ? await new Promise((resolve, reject) => {
            handler(request.event, context, (err: unknown, value: unknown) =>
              err ? reject(err) : resolve(value),
            );
          })
        : await handler(request.event, context);
    let payload: string;
    try {
      payload = result === undefined ? "null" : JSON.stringify(result);
    } catch (error) {
      throw Object.assign(
        new Error(`Unable to stringify response body: ${(error as Error).message}`),
        {
          name: "Runtime.MalformedHandlerReturnValue",
        },
      );
    }
    port.postMessage({
      type: "result",
      requestId: request.requestId,
      payload,
    } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({
      type: "error",
      requestId: request.requestId,
      error: errorShape(error),
    } satisfies WorkerReply);
  }
});
