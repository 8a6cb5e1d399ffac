// Messages between the runner and a worker (one Lambda execution environment).

export interface WorkerData {
  /** The handler's source file (the environment loads its bundle, see LoadRequest). */
  file: string;
  exportName: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
}

/** The runner's first message: the handler's bundle, once built. */
export interface LoadRequest {
  file: string;
}

export interface InvokeRequest {
  requestId: string;
  event: unknown;
  /** Epoch ms after which the runner kills the worker. */
  deadline: number;
}

/** AWS's shape of a function error (the Invoke payload when X-Amz-Function-Error is set). */
export interface FunctionErrorShape {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "init-error"; error: FunctionErrorShape }
  | { type: "log"; requestId: string; stream: "stdout" | "stderr"; text: string }
  | { type: "result"; requestId: string; payload: string }
  | { type: "error"; requestId: string; error: FunctionErrorShape };
