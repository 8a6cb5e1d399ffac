// Drives one execution through its state graph, checkpointing every transition so a
// restarted process picks up where the killed one stopped.
//
// Threads of control are "frames": the root, each Map iteration, each Parallel branch.
// A frame records its current state, the state's raw input and how far the state got
// (`step`). Events and the frame are written in one transaction before anything the
// outside can observe happens next (a task call, an API answer).
//
// Crash semantics: a task whose TaskScheduled was written but whose result was not is
// called again on restart (at-least-once, like AWS's own retries of service calls);
// no second TaskScheduled is written for it. A callback task that already reached
// TaskSubmitted is not called again: it waits for its original token. Waits and retry
// back-offs resume with their original deadlines.
import { createHash, randomBytes } from "node:crypto";
import * as Asl from "./asl-eval";
import { type Graph, graphAt } from "./definition";
import { Halt, StatesRuntimeError } from "./errors";
import { findCatcher, isTerminalError, retryDelayMs } from "./retry-policy";
import type { Store } from "./store";
import { callResource, parseResource, type TaskResource } from "./task-resources";
import type {
  ExecutionRecord,
  JSONObject,
  JSONValue,
  ServiceIntegrations,
  StatesError,
} from "./types";

type Step =
  | { kind: "entered" }
  | {
      kind: "task";
      token: string;
      params: JSONValue;
      timeoutAt: number | null;
      heartbeatSeconds: number | null;
      scheduledAt: number;
      submitted: boolean;
    }
  | { kind: "retry"; at: number }
  | { kind: "wait"; until: number; output: JSONValue }
  | { kind: "children"; inputs: JSONValue[] };

interface Frame {
  id: string;
  path: Array<[string, number]>;
  state: string;
  input: JSONValue;
  enteredAt: number;
  retries: number[];
  retryCount: number;
  attempt: number;
  step: Step;
  lastEventId: number;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
  output?: JSONValue;
  error?: StatesError;
  /** Parent already wrote MapIterationSucceeded/Failed for this frame. */
  reported?: boolean;
}

type State = JSONObject & { Type: string };

export interface RunnerDeps {
  store: Store;
  integrations: ServiceIntegrations;
  region: string;
  now: () => number;
  /** Called once the execution reached a final status (or halted). */
  onDone: (arn: string) => void;
}

export const TOKEN_PATTERN = /^sfnl1\.[A-Za-z0-9_-]{43}$/;
const newToken = () => `sfnl1.${randomBytes(32).toString("base64url")}`;
const json = (v: unknown) => JSON.stringify(v ?? null);
const iso = (ms: number) => new Date(ms).toISOString();
const MAX_TIMER = 2 ** 31 - 1;
/** Step Functions' payload quota for an input or output: 256 KiB. */
const MAX_PAYLOAD_BYTES = 262_144;

const toStatesError = (err: unknown): StatesError => {
  if (err instanceof StatesRuntimeError) return { Error: err.name, Cause: err.causeText };
  return { Error: "States.Runtime", Cause: err instanceof Error ? err.message : String(err) };
};

export class ExecutionRunner {
  private readonly halted = new AbortController();
  private readonly wakers = new Map<string, () => void>();
  private readonly graph: Graph;
  /** Identifies this definition's states in asl-eval's cache of compiled micro machines. */
  private readonly definitionKey: string;
  private timeoutTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly exec: ExecutionRecord,
  ) {
    this.graph = JSON.parse(exec.definition);
    this.definitionKey = createHash("sha1").update(exec.definition).digest("base64url");
  }

  /** Records the start of a new execution; synchronous so the API answers after it. */
  static begin(deps: RunnerDeps, exec: ExecutionRecord) {
    const { store } = deps;
    const graph: Graph = JSON.parse(exec.definition);
    store.transaction(() => {
      store.insertExecution(exec);
      const started = store.appendEvent(exec.arn, {
        type: "ExecutionStarted",
        previousEventId: 0,
        timestamp: exec.start / 1000,
        executionStartedEventDetails: {
          input: exec.input,
          inputDetails: { truncated: false },
          roleArn: exec.roleArn,
        },
      });
      const root = newFrame("root", [], graph.StartAt, JSON.parse(exec.input), exec.start, started);
      enterEvent(store, exec.arn, root, graph.States[graph.StartAt] as State, exec.start);
      store.putFrame(exec.arn, root.id, root);
    });
  }

  /** Runs (or resumes) to completion; never throws. */
  async run() {
    if (this.graph.TimeoutSeconds !== undefined) {
      this.armTimeout(this.exec.start + this.graph.TimeoutSeconds * 1000);
    }
    try {
      const root = this.deps.store.frame(this.exec.arn, "root") as Frame;
      const result = await this.runFrame(root, this.halted.signal);
      this.tx(this.halted.signal, () => {
        const at = this.deps.now();
        if ("error" in result) {
          this.event(root, "ExecutionFailed", {
            executionFailedEventDetails: { error: result.error.Error, cause: result.error.Cause },
          });
          this.deps.store.finishExecution(this.exec.arn, {
            status: "FAILED",
            stop: at,
            error: result.error.Error,
            cause: result.error.Cause,
          });
        } else {
          this.event(root, "ExecutionSucceeded", {
            executionSucceededEventDetails: {
              output: json(result.output),
              outputDetails: { truncated: false },
            },
          });
          this.deps.store.finishExecution(this.exec.arn, {
            status: "SUCCEEDED",
            stop: at,
            output: json(result.output),
          });
        }
      });
    } catch (err) {
      if (!(err instanceof Halt)) {
        // A bug or a closed database: leave the execution RUNNING so a restart retries it.
        if (!this.halted.signal.aborted) console.error("stepfunctions runner failed", err);
      }
    } finally {
      clearTimeout(this.timeoutTimer);
      this.halt();
      this.deps.onDone(this.exec.arn);
    }
  }

  /** Stops all activity without writing anything (StopExecution already wrote, or close()). */
  halt() {
    if (!this.halted.signal.aborted) this.halted.abort(new Halt());
    clearTimeout(this.timeoutTimer);
  }

  /** A token of this execution got an answer or a heartbeat. */
  wake(token: string) {
    this.wakers.get(token)?.();
  }

  /**
   * Times the execution out at `deadline`, re-arming past Node's longest timer (~24.8 days;
   * TimeoutSeconds may be a year). Already past it (resumed after the process was down): times
   * out now, before any further step can finish the execution first.
   */
  private armTimeout(deadline: number) {
    const ms = deadline - this.deps.now();
    if (ms <= 0) return this.timeOut();
    this.timeoutTimer = setTimeout(() => this.armTimeout(deadline), Math.min(ms, MAX_TIMER));
  }

  private timeOut() {
    try {
      this.tx(this.halted.signal, () => {
        const { store } = this.deps;
        const e = store.execution(this.exec.arn);
        if (e?.status !== "RUNNING") return;
        store.appendEvent(this.exec.arn, {
          type: "ExecutionTimedOut",
          previousEventId: e.lastEventId,
          timestamp: this.deps.now() / 1000,
          executionTimedOutEventDetails: {
            error: "States.Timeout",
            cause: "The execution timed out",
          },
        });
        store.finishExecution(this.exec.arn, {
          status: "TIMED_OUT",
          stop: this.deps.now(),
          error: "States.Timeout",
        });
      });
    } catch {
      // halted meanwhile
    }
    this.halt();
  }

  // Transactions and events

  private tx<T>(signal: AbortSignal, fn: () => T): T {
    if (signal.aborted || this.halted.signal.aborted) throw new Halt();
    return this.deps.store.transaction(fn);
  }

  private event(frame: Frame, type: string, details: JSONObject | Record<string, unknown>) {
    frame.lastEventId = this.deps.store.appendEvent(this.exec.arn, {
      type,
      previousEventId: frame.lastEventId,
      timestamp: this.deps.now() / 1000,
      ...details,
    });
  }

  private save(frame: Frame) {
    this.deps.store.putFrame(this.exec.arn, frame.id, frame);
  }

  private context(frame: Frame): Asl.ContextObject {
    return {
      Execution: {
        Id: this.exec.arn,
        Name: this.exec.name,
        Input: JSON.parse(this.exec.input),
        StartTime: iso(this.exec.start),
        RoleArn: this.exec.roleArn,
      },
      State: { Name: frame.state, EnteredTime: iso(frame.enteredAt), RetryCount: frame.retryCount },
      StateMachine: {
        Id: this.exec.stateMachineArn,
        Name: this.exec.stateMachineArn.split(":")[6] ?? "",
      },
    };
  }

  // Frames

  private async runFrame(
    frame: Frame,
    signal: AbortSignal,
  ): Promise<{ output: JSONValue } | { error: StatesError }> {
    while (frame.status === "RUNNING") {
      if (signal.aborted) throw new Halt();
      const graph = graphAt(this.graph, frame.path);
      const state = graph.States[frame.state] as State;
      const key = `${this.definitionKey}:${JSON.stringify(frame.path)}:${frame.state}`;
      try {
        await this.runState(frame, state, key, signal);
      } catch (err) {
        if (err instanceof Halt) throw err;
        await this.fail(frame, state, toStatesError(err), [], signal);
      }
    }
    if (frame.status === "SUCCEEDED") return { output: frame.output ?? null };
    return { error: frame.error ?? { Error: "States.Runtime", Cause: "unknown" } };
  }

  private async runState(frame: Frame, state: State, key: string, signal: AbortSignal) {
    const ctx = this.context(frame);
    if (frame.step.kind === "retry") {
      await this.sleepUntil(frame.step.at, signal);
      frame.step = { kind: "entered" };
    }
    switch (state.Type) {
      case "Pass":
        return this.advance(
          frame,
          state,
          await Asl.passOutput(key, state, frame.input, ctx),
          [],
          signal,
        );
      case "Succeed":
        return this.advance(
          frame,
          state,
          await Asl.passOutput(key, state, frame.input, ctx),
          [],
          signal,
        );
      case "Choice": {
        const { next, output } = await Asl.choose(key, state, frame.input, ctx);
        return this.advance(frame, state, output, [], signal, next);
      }
      case "Fail": {
        const error = state.Error ?? (await failPath(state, "ErrorPath", key, frame.input, ctx));
        const cause = state.Cause ?? (await failPath(state, "CausePath", key, frame.input, ctx));
        return this.tx(signal, () => {
          frame.status = "FAILED";
          // Neither named: AWS leaves both out of DescribeExecution and the history.
          frame.error = {
            ...(error === undefined ? {} : { Error: String(error) }),
            ...(cause === undefined ? {} : { Cause: String(cause) }),
          };
          this.save(frame);
        });
      }
      case "Wait":
        return this.runWait(frame, state, key, ctx, signal);
      case "Task":
        return this.runTask(frame, state, key, ctx, signal);
      case "Map":
      case "Parallel":
        return this.runChildren(frame, state, key, ctx, signal);
      default:
        throw new StatesRuntimeError("States.Runtime", `Unsupported state type ${state.Type}`);
    }
  }

  /** Leaves the state with `output`: StateExited, then the next state's StateEntered. */
  private advance(
    frame: Frame,
    state: State,
    output: JSONValue,
    before: Array<[string, Record<string, unknown>]>,
    signal: AbortSignal,
    nextOverride?: string,
  ) {
    // AWS's payload quota: a larger output is a terminal error, not caught even by States.ALL.
    const size = Buffer.byteLength(json(output));
    if (size > MAX_PAYLOAD_BYTES) {
      return this.failFrame(
        frame,
        {
          Error: "States.DataLimitExceeded",
          Cause: `The state/task '${frame.state}' returned a result with a size (${size} bytes) exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
        },
        before,
        signal,
      );
    }
    this.tx(signal, () => {
      for (const [type, details] of before) this.event(frame, type, details);
      this.event(frame, `${state.Type}StateExited`, {
        stateExitedEventDetails: {
          name: frame.state,
          output: json(output),
          outputDetails: { truncated: false },
        },
      });
      const next = nextOverride ?? (state.Next as string | undefined);
      if (next === undefined || state.Type === "Succeed") {
        frame.status = "SUCCEEDED";
        frame.output = output;
      } else {
        const graph = graphAt(this.graph, frame.path);
        Object.assign(frame, {
          state: next,
          input: output,
          enteredAt: this.deps.now(),
          retries: [],
          retryCount: 0,
          attempt: frame.attempt + 1,
          step: { kind: "entered" },
        });
        enterEvent(
          this.deps.store,
          this.exec.arn,
          frame,
          graph.States[next] as State,
          this.deps.now(),
        );
      }
      this.save(frame);
    });
  }

  /** A state failed: retry, catch, or fail the frame. */
  private async fail(
    frame: Frame,
    state: State,
    error: StatesError,
    before: Array<[string, Record<string, unknown>]>,
    signal: AbortSignal,
  ) {
    if (isTerminalError(error.Error ?? "")) {
      return this.failFrame(frame, error, before, signal);
    }
    const retry = retryDelayMs(state, error, frame.retries);
    if (retry) {
      return this.tx(signal, () => {
        for (const [type, details] of before) this.event(frame, type, details);
        frame.retries[retry.retrier] = (frame.retries[retry.retrier] ?? 0) + 1;
        for (let i = 0; i < frame.retries.length; i++) frame.retries[i] ??= 0;
        frame.retryCount += 1;
        frame.attempt += 1;
        frame.step = { kind: "retry", at: this.deps.now() + retry.delayMs };
        this.save(frame);
      });
    }
    const catcher = findCatcher(state, error);
    if (catcher) {
      let output: JSONValue;
      try {
        const { heartbeat: _heartbeat, ...errorOutput } = error;
        output = await Asl.caughtOutput(
          catcher.ResultPath,
          frame.input,
          errorOutput as unknown as JSONValue,
        );
      } catch (err) {
        return this.failFrame(frame, toStatesError(err), before, signal);
      }
      return this.advance(frame, state, output, before, signal, catcher.Next as string);
    }
    return this.failFrame(frame, error, before, signal);
  }

  private failFrame(
    frame: Frame,
    error: StatesError,
    before: Array<[string, Record<string, unknown>]>,
    signal: AbortSignal,
  ) {
    this.tx(signal, () => {
      for (const [type, details] of before) this.event(frame, type, details);
      frame.status = "FAILED";
      frame.error = error;
      this.save(frame);
    });
  }

  // Timers

  /** Sleeps until `at` (epoch ms by deps.now), a wake-up for `token`, or a halt. */
  private sleepUntil(at: number | null, signal: AbortSignal, token?: string): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    if (signal.aborted) {
      reject(new Halt());
      return promise;
    }
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (token) this.wakers.delete(token);
    };
    const onAbort = () => {
      done();
      reject(new Halt());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (token) {
      this.wakers.set(token, () => {
        done();
        resolve();
      });
    }
    if (at !== null) {
      const arm = () => {
        const ms = at - this.deps.now();
        if (ms <= 0) {
          done();
          resolve();
        } else timer = setTimeout(arm, Math.min(ms, MAX_TIMER));
      };
      arm();
    }
    return promise;
  }

  private async raceWithHalt<T>(
    work: Promise<T>,
    deadline: number | null,
    signal: AbortSignal,
  ): Promise<T | "timeout"> {
    const controller = new AbortController();
    const both = AbortSignal.any([signal, controller.signal]);
    const timer = this.sleepUntil(deadline, both).then(
      () => "timeout" as const,
      (err) => {
        if (signal.aborted) throw err;
        return new Promise<never>(() => {});
      },
    );
    try {
      return await Promise.race([work, timer]);
    } finally {
      controller.abort();
    }
  }

  // Wait

  private async runWait(
    frame: Frame,
    state: State,
    key: string,
    ctx: Asl.ContextObject,
    signal: AbortSignal,
  ) {
    if (frame.step.kind !== "wait") {
      const effective = await Asl.effectiveInput(key, state, frame.input, ctx, ["InputPath"]);
      const output = await Asl.effectiveInput(key, state, frame.input, ctx, [
        "InputPath",
        "OutputPath",
      ]);
      let until: number;
      if (typeof state.Seconds === "number") until = this.deps.now() + state.Seconds * 1000;
      else if (typeof state.Timestamp === "string") until = Date.parse(state.Timestamp);
      else if (typeof state.SecondsPath === "string") {
        const s = await Asl.evaluate(key, state.SecondsPath, effective, ctx);
        if (typeof s !== "number" || s < 0) {
          throw new StatesRuntimeError(
            "States.Runtime",
            `SecondsPath '${state.SecondsPath}' is not a non-negative number`,
          );
        }
        until = this.deps.now() + s * 1000;
      } else {
        const t = await Asl.evaluate(key, state.TimestampPath as string, effective, ctx);
        until = typeof t === "string" ? Date.parse(t) : Number.NaN;
        if (Number.isNaN(until)) {
          throw new StatesRuntimeError(
            "States.Runtime",
            `TimestampPath '${String(state.TimestampPath)}' is not a timestamp`,
          );
        }
      }
      this.tx(signal, () => {
        frame.step = { kind: "wait", until, output };
        this.save(frame);
      });
    }
    const step = frame.step as Extract<Step, { kind: "wait" }>;
    await this.sleepUntil(step.until, signal);
    this.advance(frame, state, step.output, [], signal);
  }

  // Task

  private async runTask(
    frame: Frame,
    state: State,
    key: string,
    ctx: Asl.ContextObject,
    signal: AbortSignal,
  ) {
    const res = parseResource(state.Resource as string) as TaskResource;
    const names = taskEventNames(res);
    const base = res.directLambda ? {} : { resourceType: res.resourceType, resource: res.resource };
    if (frame.step.kind !== "task") {
      const token = newToken();
      const params = await Asl.effectiveInput(key, state, frame.input, {
        ...ctx,
        Task: { Token: token },
      });
      const timeout = await secondsField(state, "TimeoutSeconds", key, frame.input, ctx);
      const heartbeat = await secondsField(state, "HeartbeatSeconds", key, frame.input, ctx);
      const now = this.deps.now();
      this.tx(signal, () => {
        const scheduled = res.directLambda
          ? {
              lambdaFunctionScheduledEventDetails: {
                resource: res.directLambda,
                input: json(params),
                inputDetails: { truncated: false },
                ...(timeout ? { timeoutInSeconds: timeout } : {}),
              },
            }
          : {
              taskScheduledEventDetails: {
                ...base,
                region: this.deps.region,
                parameters: json(params),
                ...(timeout ? { timeoutInSeconds: timeout } : {}),
                ...(heartbeat ? { heartbeatInSeconds: heartbeat } : {}),
              },
            };
        this.event(frame, names.scheduled, scheduled);
        this.event(frame, names.started, res.directLambda ? {} : { taskStartedEventDetails: base });
        frame.step = {
          kind: "task",
          token,
          params,
          scheduledAt: now,
          timeoutAt: timeout ? now + timeout * 1000 : null,
          heartbeatSeconds: res.waitForTaskToken ? (heartbeat ?? null) : null,
          submitted: false,
        };
        if (res.waitForTaskToken) this.deps.store.insertToken(token, this.exec.arn, frame.id);
        this.save(frame);
      });
    }
    const step = frame.step as Extract<Step, { kind: "task" }>;
    // A missed heartbeat is States.Timeout too (AWS docs, "Error names"); Retry and Catch
    // may also name it States.HeartbeatTimeout.
    const timedOut = (heartbeat: boolean) =>
      this.fail(
        frame,
        state,
        { Error: "States.Timeout", Cause: "", ...(heartbeat ? { heartbeat: true } : {}) },
        [
          [
            names.timedOut,
            { [names.timedOutDetails]: { ...base, error: "States.Timeout", cause: "" } },
          ],
        ],
        signal,
      );

    let result: JSONValue = null;
    try {
      if (!step.submitted) {
        const called = await this.raceWithHalt(
          callResource(this.deps.integrations, res, step.params, { roleArn: this.exec.roleArn }),
          step.timeoutAt,
          signal,
        );
        if (called === "timeout") {
          if (res.waitForTaskToken) this.closeToken(step.token);
          return timedOut(false);
        }
        if (!res.waitForTaskToken) {
          result = called;
        } else {
          this.tx(signal, () => {
            this.event(frame, "TaskSubmitted", {
              taskSubmittedEventDetails: {
                ...base,
                output: json(called),
                outputDetails: { truncated: false },
              },
            });
            step.submitted = true;
            this.save(frame);
          });
        }
      }
      if (res.waitForTaskToken) {
        const answer = await this.awaitToken(step, signal);
        if (answer === "timeout" || answer === "heartbeat") {
          return timedOut(answer === "heartbeat");
        }
        if ("error" in answer)
          throw new StatesRuntimeError(answer.error.Error ?? "", answer.error.Cause ?? "");
        result = answer.output;
      }
    } catch (err) {
      if (err instanceof Halt) throw err;
      if (res.waitForTaskToken) this.closeToken(step.token);
      const error = toStatesError(err);
      const details = res.directLambda
        ? { error: error.Error, cause: error.Cause }
        : { ...base, error: error.Error, cause: error.Cause };
      return this.fail(
        frame,
        state,
        error,
        [[names.failed, { [names.failedDetails]: details }]],
        signal,
      );
    }
    const output = await Asl.stateOutput(key, state, frame.input, result as JSONValue, ctx);
    const succeededDetails = res.directLambda
      ? { output: json(result), outputDetails: { truncated: false } }
      : { ...base, output: json(result), outputDetails: { truncated: false } };
    this.advance(
      frame,
      state,
      output,
      [[names.succeeded, { [names.succeededDetails]: succeededDetails }]],
      signal,
    );
  }

  private closeToken(token: string) {
    if (this.halted.signal.aborted) throw new Halt();
    const { store } = this.deps;
    store.transaction(() => {
      if (store.token(token)?.status === "PENDING") store.settleToken(token, "CLOSED", null);
    });
  }

  /** Waits for SendTaskSuccess/Failure on the token, or a timeout/heartbeat deadline. */
  private async awaitToken(
    step: Extract<Step, { kind: "task" }>,
    signal: AbortSignal,
  ): Promise<"timeout" | "heartbeat" | { output: JSONValue } | { error: StatesError }> {
    const { store } = this.deps;
    for (;;) {
      const tok = store.token(step.token);
      if (tok?.status === "SUCCEEDED") return { output: JSON.parse(tok.outcome ?? "null") };
      if (tok?.status === "FAILED") return { error: JSON.parse(tok.outcome ?? "{}") };
      const now = this.deps.now();
      const heartbeatAt =
        step.heartbeatSeconds !== null
          ? Math.max(step.scheduledAt, tok?.heartbeatAt ?? 0) + step.heartbeatSeconds * 1000
          : null;
      const expired = (at: number | null) => at !== null && now >= at;
      // Closing the token and failing the task happen before any later answer is accepted.
      if (expired(step.timeoutAt) || expired(heartbeatAt)) {
        const which = expired(step.timeoutAt) ? "timeout" : "heartbeat";
        if (signal.aborted) throw new Halt();
        this.closeToken(step.token);
        return which;
      }
      const deadlines = [step.timeoutAt, heartbeatAt].filter((d): d is number => d !== null);
      await this.sleepUntil(deadlines.length ? Math.min(...deadlines) : null, signal, step.token);
    }
  }

  // Map and Parallel

  private async runChildren(
    frame: Frame,
    state: State,
    key: string,
    ctx: Asl.ContextObject,
    signal: AbortSignal,
  ) {
    const isMap = state.Type === "Map";
    if (frame.step.kind !== "children") {
      let inputs: JSONValue[];
      if (isMap) {
        const effective = await Asl.effectiveInput(key, state, frame.input, ctx, ["InputPath"]);
        const items = state.ItemsPath
          ? await Asl.evaluate(key, state.ItemsPath as string, effective, ctx)
          : effective;
        if (!Array.isArray(items)) {
          throw new StatesRuntimeError(
            "States.Runtime",
            `Map ItemsPath '${String(state.ItemsPath ?? "$")}' is not an array`,
          );
        }
        const selector = state.ItemSelector
          ? "ItemSelector"
          : state.Parameters
            ? "Parameters"
            : undefined;
        inputs = [];
        for (let i = 0; i < items.length; i++) {
          const value = items[i] as JSONValue;
          if (!selector) inputs.push(value);
          else {
            const itemCtx = { ...ctx, Map: { Item: { Index: i, Value: value } } };
            const tmpl = { Parameters: state[selector] as JSONValue };
            inputs.push(
              await Asl.effectiveInput(`${key}:${selector}`, tmpl, effective, itemCtx, [
                "Parameters",
              ]),
            );
          }
        }
      } else {
        const effective = await Asl.effectiveInput(key, state, frame.input, ctx);
        inputs = (state.Branches as JSONValue[]).map(() => effective);
      }
      this.tx(signal, () => {
        this.event(
          frame,
          isMap ? "MapStateStarted" : "ParallelStateStarted",
          isMap ? { mapStateStartedEventDetails: { length: inputs.length } } : {},
        );
        frame.step = { kind: "children", inputs };
        this.save(frame);
      });
    }
    const { inputs } = frame.step as Extract<Step, { kind: "children" }>;
    const group = new AbortController();
    const childSignal = AbortSignal.any([signal, group.signal]);
    const outputs: JSONValue[] = new Array(inputs.length).fill(null);
    const childIds = inputs.map((_, i) => `${frame.id}/${frame.state}@${frame.attempt}/${i}`);
    let failure: { index: number; error: StatesError } | undefined;
    const limit =
      isMap && typeof state.MaxConcurrency === "number" && state.MaxConcurrency > 0
        ? state.MaxConcurrency
        : inputs.length;
    let nextIndex = 0;

    const runOne = async (i: number) => {
      const id = childIds[i] as string;
      let child = this.deps.store.frame(this.exec.arn, id) as Frame | undefined;
      if (!child) {
        const sub = graphAt(this.graph, [...frame.path, [frame.state, isMap ? 0 : i]]);
        child = this.tx(childSignal, () => {
          if (isMap)
            this.event(frame, "MapIterationStarted", {
              mapIterationStartedEventDetails: { name: frame.state, index: i },
            });
          const c = newFrame(
            id,
            [...frame.path, [frame.state, isMap ? 0 : i]],
            sub.StartAt,
            inputs[i] as JSONValue,
            this.deps.now(),
            frame.lastEventId,
          );
          enterEvent(
            this.deps.store,
            this.exec.arn,
            c,
            sub.States[sub.StartAt] as State,
            this.deps.now(),
          );
          this.save(c);
          this.save(frame);
          return c;
        });
      }
      const result = await this.runFrame(child, childSignal);
      this.tx(signal, () => {
        if (!child.reported && isMap) {
          frame.lastEventId = Math.max(frame.lastEventId, child.lastEventId);
          const details = { name: frame.state, index: i };
          if ("error" in result)
            this.event(frame, "MapIterationFailed", { mapIterationFailedEventDetails: details });
          else
            this.event(frame, "MapIterationSucceeded", {
              mapIterationSucceededEventDetails: details,
            });
        } else frame.lastEventId = Math.max(frame.lastEventId, child.lastEventId);
        child.reported = true;
        this.save(child);
        this.save(frame);
      });
      if ("error" in result) {
        failure ??= { index: i, error: result.error };
        group.abort(new Halt());
      } else outputs[i] = result.output;
    };

    const worker = async () => {
      while (nextIndex < inputs.length && !failure) {
        const i = nextIndex++;
        try {
          await runOne(i);
        } catch (err) {
          if (!(err instanceof Halt) || signal.aborted) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, inputs.length) || 0 }, worker));
    if (signal.aborted) throw new Halt();

    if (failure) {
      const failed = failure;
      const aborted = childIds.filter((id, i) => {
        const c = this.deps.store.frame(this.exec.arn, id) as Frame | undefined;
        return i !== failed.index && c?.status === "RUNNING";
      });
      const before: Array<[string, Record<string, unknown>]> = [];
      for (const id of aborted) {
        const c = this.deps.store.frame(this.exec.arn, id) as Frame;
        if (isMap)
          before.push([
            "MapIterationAborted",
            {
              mapIterationAbortedEventDetails: {
                name: frame.state,
                index: Number(id.split("/").pop()),
              },
            },
          ]);
        c.status = "ABORTED";
        this.tx(signal, () => this.save(c));
      }
      before.push([isMap ? "MapStateFailed" : "ParallelStateFailed", {}]);
      return this.fail(frame, state, failed.error, before, signal);
    }
    const output = await Asl.stateOutput(key, state, frame.input, outputs, ctx);
    this.advance(
      frame,
      state,
      output,
      [[isMap ? "MapStateSucceeded" : "ParallelStateSucceeded", {}]],
      signal,
    );
  }
}

function newFrame(
  id: string,
  path: Array<[string, number]>,
  state: string,
  input: JSONValue,
  at: number,
  lastEventId: number,
): Frame {
  return {
    id,
    path,
    state,
    input,
    enteredAt: at,
    retries: [],
    retryCount: 0,
    attempt: 0,
    step: { kind: "entered" },
    lastEventId,
    status: "RUNNING",
  };
}

function enterEvent(store: Store, executionArn: string, frame: Frame, state: State, at: number) {
  frame.lastEventId = store.appendEvent(executionArn, {
    type: `${state.Type}StateEntered`,
    previousEventId: frame.lastEventId,
    timestamp: at / 1000,
    stateEnteredEventDetails: {
      name: frame.state,
      input: json(frame.input),
      inputDetails: { truncated: false },
    },
  });
}

function taskEventNames(res: TaskResource) {
  if (res.directLambda) {
    return {
      scheduled: "LambdaFunctionScheduled",
      started: "LambdaFunctionStarted",
      succeeded: "LambdaFunctionSucceeded",
      succeededDetails: "lambdaFunctionSucceededEventDetails",
      failed: "LambdaFunctionFailed",
      failedDetails: "lambdaFunctionFailedEventDetails",
      timedOut: "LambdaFunctionTimedOut",
      timedOutDetails: "lambdaFunctionTimedOutEventDetails",
    };
  }
  return {
    scheduled: "TaskScheduled",
    started: "TaskStarted",
    succeeded: "TaskSucceeded",
    succeededDetails: "taskSucceededEventDetails",
    failed: "TaskFailed",
    failedDetails: "taskFailedEventDetails",
    timedOut: "TaskTimedOut",
    timedOutDetails: "taskTimedOutEventDetails",
  };
}

/** A Fail state's ErrorPath/CausePath (a path or an intrinsic), which must select a string. */
async function failPath(
  state: State,
  field: "ErrorPath" | "CausePath",
  key: string,
  input: JSONValue,
  ctx: Asl.ContextObject,
) {
  const path = state[field];
  if (typeof path !== "string") return undefined;
  const value = await Asl.evaluate(key, path, input, ctx);
  if (typeof value !== "string") {
    throw new StatesRuntimeError(
      "States.Runtime",
      `The ${field} '${path}' of Fail state '${String(ctx.State.Name)}' selected ${json(value)}, not a string`,
    );
  }
  return value;
}

/** TimeoutSeconds/HeartbeatSeconds or their *Path variants; undefined means none (AWS default). */
async function secondsField(
  state: State,
  field: string,
  key: string,
  input: JSONValue,
  ctx: Asl.ContextObject,
) {
  if (typeof state[field] === "number") return state[field] as number;
  const path = state[`${field}Path`];
  if (typeof path !== "string") return undefined;
  const effective = await Asl.effectiveInput(key, state, input, ctx, ["InputPath"]);
  let v: JSONValue;
  try {
    v = await Asl.evaluate(key, path, effective, ctx);
  } catch (err) {
    throw new StatesRuntimeError(
      "States.Runtime",
      `${field}Path '${path}' could not be read from the state input: ${toStatesError(err).Cause}`,
    );
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new StatesRuntimeError(
      "States.Runtime",
      `${field}Path '${path}' must point to a positive integer`,
    );
  }
  return v;
}
