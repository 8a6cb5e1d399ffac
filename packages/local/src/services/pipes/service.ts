// The local EventBridge Pipes: the API (CreatePipe, DescribePipe, ListPipes,
// UpdatePipe, DeletePipe, StartPipe, StopPipe) over the store, and each pipe's
// life as AWS reports it: CREATING / UPDATING / STARTING → RUNNING or STOPPED,
// STOPPING → STOPPED, DELETING → gone. The API answers with the transitional
// state; the pipe settles right after (a pipe left mid-transition by a killed
// process settles when the next one opens the store). Validation happens
// before any write, so bad input changes nothing.
import { AwsError, arn, pageOfItems, type Scope } from "../../protocol";
import * as Api from "./api-schemas";
import { conflict, notFound, validationError } from "./errors";
import { type PipeRun, runPipe, sourceKind, TARGET_BATCH_LIMIT, targetKind } from "./runtime";
import { Store } from "./store";
import { validateTemplate } from "./template";
import type { ApiResponse, PipeRecord, PipeState, Pipes, PipesOptions } from "./types";

export const pipeArn = (scope: Scope, name: string) => arn("pipes", scope, `pipe/${name}`);

const TRANSITIONAL: ReadonlySet<PipeState> = new Set([
  "CREATING",
  "UPDATING",
  "DELETING",
  "STARTING",
  "STOPPING",
]);

const seconds = (ms: number) => ms / 1000;

export function createPipes(options: PipesOptions): Pipes {
  const store = new Store(options.dataDir);
  const now = options.now ?? Date.now;
  const scope: Scope = { region: options.region, accountId: options.accountId };
  const runs = new Map<string, PipeRun>();
  const settling = new Map<string, Promise<void>>();
  let closed = false;
  /** The StateReason last written per pipe (a source failing every poll writes once). */
  const reasons = new Map<string, string | undefined>();
  const runtime = {
    stateReason(name: string, reason: string | undefined) {
      if (closed || (reasons.has(name) && reasons.get(name) === reason)) return;
      reasons.set(name, reason);
      const pipe = store.get(name);
      if (pipe && pipe.StateReason !== reason) store.put({ ...pipe, StateReason: reason });
    },
    io: options.io,
    store,
    compilePattern: options.compilePattern,
    region: options.region,
    now,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    queueWaitSeconds: options.queueWaitSeconds ?? 20,
    onError:
      options.onError ??
      ((pipe: string, error: unknown) =>
        console.error(`[pipes] ${pipe}: ${(error as Error)?.message ?? error}`)),
  };

  async function stopRun(name: string, abort = false) {
    const run = runs.get(name);
    runs.delete(name);
    await run?.stop(abort);
  }

  /** Brings a pipe from its transitional state to where it is going. */
  async function settle(name: string) {
    const pipe = store.get(name);
    if (!pipe || closed) return;
    await stopRun(name);
    if (closed) return;
    if (pipe.CurrentState === "DELETING") {
      store.delete(name);
      return;
    }
    const current = store.get(name);
    if (!current) return;
    const next: PipeState =
      current.CurrentState === "STOPPING" || current.DesiredState === "STOPPED"
        ? "STOPPED"
        : "RUNNING";
    store.put({ ...current, CurrentState: next });
    if (next === "RUNNING") runs.set(name, runPipe(current, runtime));
  }

  /** Settles after the API answered, one transition per pipe at a time. */
  function scheduleSettle(name: string) {
    const previous = settling.get(name) ?? Promise.resolve();
    const next = previous
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => settle(name))
      .catch((error) => runtime.onError(name, error))
      .finally(() => {
        if (settling.get(name) === next) settling.delete(name);
      });
    settling.set(name, next);
  }

  const pipeOrThrow = (name: string) => {
    const pipe = store.get(name);
    if (!pipe) throw notFound(name);
    return pipe;
  };
  const notInTransition = (pipe: PipeRecord) => {
    if (TRANSITIONAL.has(pipe.CurrentState))
      throw conflict(
        `Pipe ${pipe.Name} is in state ${pipe.CurrentState}; retry when it has settled.`,
      );
  };

  /** What the local cloud can run, checked before anything is written. */
  function validate(pipe: PipeRecord) {
    const source = sourceKind(pipe.Source);
    if (!source)
      throw validationError(
        `Source ${pipe.Source} is not supported by the local Pipes: a DynamoDB stream ARN or an SQS queue ARN.`,
      );
    const params = pipe.SourceParameters;
    if (source === "dynamodb" && params.SqsQueueParameters)
      throw validationError("SqsQueueParameters is only valid for an Amazon SQS source.");
    if (source === "sqs" && params.DynamoDBStreamParameters)
      throw validationError("DynamoDBStreamParameters is only valid for a DynamoDB stream source.");
    if (source === "dynamodb" && !params.DynamoDBStreamParameters?.StartingPosition)
      throw validationError(
        "DynamoDBStreamParameters.StartingPosition is required for a DynamoDB stream source.",
      );
    const dlq = params.DynamoDBStreamParameters?.DeadLetterConfig?.Arn;
    if (dlq && !/^arn:aws[\w-]*:sqs:[^:]*:\d{12}:[^:/]+$/.test(dlq))
      throw validationError(`DeadLetterConfig.Arn ${dlq} is not an Amazon SQS queue ARN.`);
    const sqs = params.SqsQueueParameters;
    if (sqs && (sqs.BatchSize ?? 10) > 10 && !sqs.MaximumBatchingWindowInSeconds)
      throw validationError(
        "MaximumBatchingWindowInSeconds must be greater than 0 when BatchSize is greater than 10.",
      );
    for (const [i, filter] of (params.FilterCriteria?.Filters ?? []).entries()) {
      if (filter.Pattern === undefined) continue;
      try {
        options.compilePattern(JSON.parse(filter.Pattern));
      } catch (error) {
        throw validationError(
          `FilterCriteria.Filters[${i}].Pattern is not a valid event pattern: ${(error as Error).message}`,
        );
      }
    }
    const target = targetKind(pipe.Target);
    if (!target)
      throw validationError(
        `Target ${pipe.Target} is not supported by the local Pipes: an event bus, SQS queue, state machine or Lambda function ARN.`,
      );
    if (
      target === "states" &&
      pipe.TargetParameters?.StepFunctionStateMachineParameters?.InvocationType ===
        "REQUEST_RESPONSE"
    )
      throw validationError(
        "REQUEST_RESPONSE needs an Express state machine (StartSyncExecution), which the local Pipes does not run; use FIRE_AND_FORGET.",
      );
    const batchSize =
      params.DynamoDBStreamParameters?.BatchSize ?? params.SqsQueueParameters?.BatchSize;
    const limit = TARGET_BATCH_LIMIT[target];
    if (limit && batchSize && batchSize > limit && !pipe.Enrichment)
      throw validationError(
        `BatchSize ${batchSize} is more than the target supports (${limit} per batch).`,
      );
    if (pipe.Enrichment && !/^arn:aws[\w-]*:lambda:[^:]*:\d{12}:function:.+$/.test(pipe.Enrichment))
      throw validationError(
        `Enrichment ${pipe.Enrichment} is not supported by the local Pipes: a Lambda function ARN.`,
      );
    if (pipe.EnrichmentParameters?.InputTemplate)
      validateTemplate(
        pipe.EnrichmentParameters.InputTemplate,
        "EnrichmentParameters.InputTemplate",
      );
    if (pipe.TargetParameters?.InputTemplate)
      validateTemplate(pipe.TargetParameters.InputTemplate, "TargetParameters.InputTemplate");
  }

  const summary = (p: PipeRecord) => ({
    Arn: p.Arn,
    Name: p.Name,
    DesiredState: p.DesiredState,
    CurrentState: p.CurrentState,
    CreationTime: seconds(p.CreationTime),
    LastModifiedTime: seconds(p.LastModifiedTime),
  });

  const actions: Record<
    string,
    (name: string, body: Record<string, unknown>, query: URLSearchParams) => unknown
  > = {
    CreatePipe(name, body) {
      Api.parseInput(Api.pipeName, name);
      const input = Api.parseInput(Api.CreatePipe, body);
      const at = now();
      const pipe: PipeRecord = {
        Name: name,
        Arn: pipeArn(scope, name),
        Description: input.Description,
        DesiredState: input.DesiredState ?? "RUNNING",
        CurrentState: "CREATING",
        Source: input.Source,
        SourceParameters: input.SourceParameters ?? {},
        Enrichment: input.Enrichment || undefined,
        EnrichmentParameters: input.EnrichmentParameters,
        Target: input.Target,
        TargetParameters: input.TargetParameters,
        RoleArn: input.RoleArn,
        Tags: input.Tags,
        LogConfiguration: input.LogConfiguration,
        KmsKeyIdentifier: input.KmsKeyIdentifier,
        CreationTime: at,
        LastModifiedTime: at,
      };
      validate(pipe);
      if (store.get(name)) throw conflict(`Pipe ${name} already exists.`);
      store.put(pipe);
      scheduleSettle(name);
      return summary(pipe);
    },
    DescribePipe(name) {
      const p = pipeOrThrow(name);
      return {
        Arn: p.Arn,
        Name: p.Name,
        Description: p.Description,
        DesiredState: p.DesiredState,
        CurrentState: p.CurrentState,
        StateReason: p.StateReason,
        Source: p.Source,
        SourceParameters: p.SourceParameters,
        Enrichment: p.Enrichment,
        EnrichmentParameters: p.EnrichmentParameters,
        Target: p.Target,
        TargetParameters: p.TargetParameters,
        RoleArn: p.RoleArn,
        Tags: p.Tags,
        CreationTime: seconds(p.CreationTime),
        LastModifiedTime: seconds(p.LastModifiedTime),
        LogConfiguration: p.LogConfiguration,
        KmsKeyIdentifier: p.KmsKeyIdentifier,
      };
    },
    ListPipes(_name, _body, query) {
      const input = Api.parseInput(Api.ListPipes, Object.fromEntries(query));
      const all = store
        .list()
        .filter(
          (p) =>
            (!input.NamePrefix || p.Name.startsWith(input.NamePrefix)) &&
            (!input.SourcePrefix || p.Source.startsWith(input.SourcePrefix)) &&
            (!input.TargetPrefix || p.Target.startsWith(input.TargetPrefix)) &&
            (!input.DesiredState || p.DesiredState === input.DesiredState) &&
            (!input.CurrentState || p.CurrentState === input.CurrentState),
        );
      const { NextToken: _token, Limit: _limit, ...filter } = input;
      const { page, nextToken } = pageOfItems(
        all,
        `pipes/${JSON.stringify(filter)}`,
        input.Limit ?? 100,
        input.NextToken,
        () => validationError("The NextToken provided is not valid."),
      );
      return {
        Pipes: page.map((p) => ({
          Name: p.Name,
          Arn: p.Arn,
          DesiredState: p.DesiredState,
          CurrentState: p.CurrentState,
          StateReason: p.StateReason,
          CreationTime: seconds(p.CreationTime),
          LastModifiedTime: seconds(p.LastModifiedTime),
          Source: p.Source,
          Target: p.Target,
          Enrichment: p.Enrichment,
        })),
        NextToken: nextToken,
      };
    },
    UpdatePipe(name, body) {
      const input = Api.parseInput(Api.UpdatePipe, body);
      const current = pipeOrThrow(name);
      notInTransition(current);
      // Top-level fields not given stay; a service-specific parameter object given
      // replaces the old one as a whole (UpdatePipe in the API reference).
      const merged: PipeRecord = {
        ...current,
        Description: input.Description ?? current.Description,
        DesiredState: input.DesiredState ?? current.DesiredState,
        CurrentState: "UPDATING",
        Enrichment:
          input.Enrichment === undefined ? current.Enrichment : input.Enrichment || undefined,
        EnrichmentParameters: { ...current.EnrichmentParameters, ...input.EnrichmentParameters },
        Target: input.Target ?? current.Target,
        TargetParameters: { ...current.TargetParameters, ...input.TargetParameters },
        RoleArn: input.RoleArn,
        LogConfiguration: input.LogConfiguration ?? current.LogConfiguration,
        KmsKeyIdentifier: input.KmsKeyIdentifier ?? current.KmsKeyIdentifier,
        SourceParameters: {
          ...current.SourceParameters,
          ...input.SourceParameters,
          ...(input.SourceParameters?.DynamoDBStreamParameters
            ? {
                DynamoDBStreamParameters: {
                  ...input.SourceParameters.DynamoDBStreamParameters,
                  StartingPosition:
                    current.SourceParameters.DynamoDBStreamParameters?.StartingPosition,
                },
              }
            : {}),
        },
        LastModifiedTime: now(),
      };
      validate(merged);
      store.put(merged);
      scheduleSettle(name);
      return summary(merged);
    },
    DeletePipe(name) {
      const current = pipeOrThrow(name);
      notInTransition(current);
      const deleting: PipeRecord = {
        ...current,
        CurrentState: "DELETING",
        LastModifiedTime: now(),
      };
      store.put(deleting);
      scheduleSettle(name);
      return { ...summary(deleting), DesiredState: "DELETED" };
    },
    StartPipe(name) {
      const current = pipeOrThrow(name);
      notInTransition(current);
      const next: PipeRecord = {
        ...current,
        DesiredState: "RUNNING",
        CurrentState: current.CurrentState === "RUNNING" ? "RUNNING" : "STARTING",
        LastModifiedTime: now(),
      };
      store.put(next);
      if (next.CurrentState === "STARTING") scheduleSettle(name);
      return summary(next);
    },
    StopPipe(name) {
      const current = pipeOrThrow(name);
      notInTransition(current);
      const next: PipeRecord = {
        ...current,
        DesiredState: "STOPPED",
        CurrentState: current.CurrentState === "STOPPED" ? "STOPPED" : "STOPPING",
        LastModifiedTime: now(),
      };
      store.put(next);
      if (next.CurrentState === "STOPPING") scheduleSettle(name);
      return summary(next);
    },
  };

  async function handle(
    operation: string,
    request: { name?: string; query: URLSearchParams; body: Record<string, unknown> },
  ): Promise<ApiResponse> {
    try {
      if (closed) throw new AwsError("InternalException", "The local Pipes is closed.", 500);
      const run = Object.hasOwn(actions, operation) ? actions[operation] : undefined;
      if (!run) throw new AwsError("UnknownOperationException", `Unknown operation ${operation}`);
      return { status: 200, body: run(request.name ?? "", request.body, request.query) };
    } catch (error) {
      if (error instanceof AwsError) throw error;
      runtime.onError(request.name ?? operation, error);
      throw new AwsError("InternalException", (error as Error).message, 500);
    }
  }

  // Pipes left running or mid-transition by the previous process continue.
  for (const pipe of store.list()) {
    if (TRANSITIONAL.has(pipe.CurrentState)) scheduleSettle(pipe.Name);
    else if (pipe.CurrentState === "RUNNING") runs.set(pipe.Name, runPipe(pipe, runtime));
  }

  return {
    handle,
    async idle() {
      while (settling.size) await Promise.all(settling.values());
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(settling.values());
      await Promise.all([...runs.keys()].map((name) => stopRun(name, true)));
      store.close();
    },
  };
}
