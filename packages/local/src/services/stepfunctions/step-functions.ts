// The Step Functions API (AWS JSON 1.0 actions) over the durable runner.
import { randomUUID } from "node:crypto";
import {
  AwsError,
  decodePageToken,
  executionArn,
  pageOfRows,
  stateMachineArn,
} from "../../protocol";
import { isRoleArn, isValidName, requireArn } from "./arns";
import { parseDefinition, validateDefinition } from "./definition";
import { apiError } from "./errors";
import { ExecutionRunner, type RunnerDeps, TOKEN_PATTERN } from "./runner";
import { StatusEventPump } from "./status-events";
import { Store } from "./store";
import type { ApiResponse, ExecutionRecord, StepFunctions, StepFunctionsOptions } from "./types";

const MAX_PAYLOAD_BYTES = 256 * 1024;
const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

type Body = Record<string, unknown>;
type Action = (body: Body) => unknown;

const seconds = (ms: number) => ms / 1000;

function requireString(body: Body, field: string, max = Number.POSITIVE_INFINITY): string {
  const v = body[field];
  if (typeof v !== "string" || v.length === 0) {
    throw apiError("ValidationException", `Value for ${field} must not be null`);
  }
  if (v.length > max)
    throw apiError("ValidationException", `${field} must be at most ${max} characters`);
  return v;
}

/** maxResults (0: the default 100) and the offset of nextToken, for a listing named `scope`. */
function pageOf(body: Body, scope: string) {
  const max = body.maxResults ?? 0;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 0 || max > 1000) {
    throw apiError("ValidationException", "maxResults must be an integer between 0 and 1000");
  }
  const offset =
    body.nextToken === undefined || body.nextToken === null
      ? 0
      : decodePageToken(String(body.nextToken), scope, () =>
          apiError("InvalidToken", "Invalid Token: 'Invalid token'"),
        );
  return { offset, limit: max === 0 ? 100 : max };
}

/** JSON text of at most 256 KB, as inputs and task outputs must be. */
function jsonPayload(value: unknown, field: string, invalidType: string): string {
  const text = value === undefined || value === null ? "{}" : value;
  if (typeof text !== "string") throw apiError("ValidationException", `${field} must be a string`);
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw apiError(
      "ValidationException",
      `1 validation error detected: ${field} exceeds the 262144 byte limit`,
    );
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw apiError(invalidType, `Invalid ${field}: ${(err as Error).message}`);
  }
  return text;
}

export function createStepFunctions(options: StepFunctionsOptions): StepFunctions {
  const { accountId, region, integrations } = options;
  const arnScope = { region, accountId };
  const now = options.now ?? Date.now;
  const store = new Store(options.dataDir, { statusEvents: Boolean(options.emitStatusChange) });
  const runners = new Map<string, ExecutionRunner>();
  let closed = false;
  // Status changes are in the outbox once their transaction commits; each kick sends them.
  const statusEvents = options.emitStatusChange
    ? new StatusEventPump(store, options.emitStatusChange)
    : undefined;

  const deps: RunnerDeps = {
    store,
    integrations,
    region,
    now,
    onDone: (arn) => {
      runners.delete(arn);
      statusEvents?.kick();
    },
  };

  const launch = (exec: ExecutionRecord) => {
    const runner = new ExecutionRunner(deps, exec);
    runners.set(exec.arn, runner);
    // Run on the next tick so the API answer (already durable) goes out first.
    setImmediate(() => void runner.run());
  };

  // Resume everything that was running when the previous process stopped, and send
  // the status changes it recorded but had not sent.
  for (const exec of store.runningExecutions()) launch(exec);
  statusEvents?.kick();

  const machineOr404 = (arn: string) => {
    const m = store.machine(arn);
    if (!m) throw apiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return m;
  };
  const executionOr404 = (arn: string) => {
    const e = store.execution(arn);
    if (!e) throw apiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return e;
  };

  /** A token the API may settle: its record, or the AWS error for why not. */
  const pendingToken = (body: Body) => {
    const token = requireString(body, "taskToken", 2048);
    if (!TOKEN_PATTERN.test(token))
      throw apiError("InvalidToken", "Invalid Token: 'Invalid token'");
    const record = store.token(token);
    if (!record)
      throw apiError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'");
    if (record.status !== "PENDING") {
      throw apiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return record;
  };

  const actions: Record<string, Action> = {
    CreateStateMachine(body) {
      const name = requireString(body, "name");
      if (!isValidName(name)) throw apiError("InvalidName", `Invalid Name: '${name}'`);
      const roleArn = requireString(body, "roleArn");
      if (!isRoleArn(roleArn)) throw apiError("InvalidArn", `Invalid Arn: '${roleArn}'`);
      const type = (body.type as string | undefined) ?? "STANDARD";
      if (type !== "STANDARD") {
        throw apiError(
          "ValidationException",
          "The local runtime supports STANDARD state machines only",
        );
      }
      const definition = requireString(body, "definition");
      parseDefinition(definition);
      const existing = store.machineByName(name);
      if (existing) {
        if (existing.definition === definition && existing.roleArn === roleArn) {
          return { stateMachineArn: existing.arn, creationDate: seconds(existing.created) };
        }
        throw apiError(
          "StateMachineAlreadyExists",
          `State Machine Already Exists: '${existing.arn}'`,
        );
      }
      const at = now();
      const arn = stateMachineArn(arnScope, name);
      store.putMachine({ arn, name, definition, roleArn, type, created: at, updated: at });
      return { stateMachineArn: arn, creationDate: seconds(at) };
    },

    // What CreateStateMachine would say of a definition, as diagnostics instead of an error.
    ValidateStateMachineDefinition(body) {
      const definition = requireString(body, "definition");
      const type = body.type ?? "STANDARD";
      if (type !== "STANDARD" && type !== "EXPRESS") {
        throw apiError("ValidationException", `Invalid type '${String(type)}'`);
      }
      // CreateStateMachine refuses EXPRESS here, so its definitions cannot pass either.
      const diagnostics = [
        ...(type === "EXPRESS"
          ? [
              {
                severity: "ERROR",
                code: "UNSUPPORTED_FEATURE",
                message: "EXPRESS state machines are not supported by the local runtime",
              },
            ]
          : []),
        ...validateDefinition(definition),
      ];
      return { result: diagnostics.length > 0 ? "FAIL" : "OK", diagnostics, truncated: false };
    },

    DescribeStateMachine(body) {
      const m = machineOr404(requireArn(body.stateMachineArn, "stateMachine", "stateMachineArn"));
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: "ACTIVE",
        definition: m.definition,
        roleArn: m.roleArn,
        type: m.type,
        creationDate: seconds(m.created),
        loggingConfiguration: { level: "OFF", includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },

    ListStateMachines(body) {
      const { offset, limit } = pageOf(body, "machines");
      const all = store.machines().slice(offset, offset + limit + 1);
      const { items, nextToken } = pageOfRows(all, offset, limit, "machines");
      return {
        stateMachines: items.map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: m.type,
          creationDate: seconds(m.created),
        })),
        ...(nextToken ? { nextToken } : {}),
      };
    },

    UpdateStateMachine(body) {
      const m = machineOr404(requireArn(body.stateMachineArn, "stateMachine", "stateMachineArn"));
      if (body.definition === undefined && body.roleArn === undefined) {
        throw apiError("MissingRequiredParameter", "Either definition or roleArn must be given");
      }
      const definition =
        body.definition === undefined ? m.definition : requireString(body, "definition");
      parseDefinition(definition);
      const roleArn = body.roleArn === undefined ? m.roleArn : requireString(body, "roleArn");
      if (!isRoleArn(roleArn)) throw apiError("InvalidArn", `Invalid Arn: '${roleArn}'`);
      const at = now();
      store.putMachine({ ...m, definition, roleArn, updated: at });
      return { updateDate: seconds(at) };
    },

    DeleteStateMachine(body) {
      const arn = requireArn(body.stateMachineArn, "stateMachine", "stateMachineArn");
      // Running executions finish on their definition snapshot, as on AWS.
      store.deleteMachine(arn);
      return {};
    },

    StartExecution(body) {
      const smArn = requireArn(body.stateMachineArn, "stateMachine", "stateMachineArn");
      const name = body.name === undefined ? randomUUID() : requireString(body, "name");
      if (!isValidName(name)) throw apiError("InvalidName", `Invalid Name: '${name}'`);
      const input = jsonPayload(body.input, "input", "InvalidExecutionInput");
      const m = machineOr404(smArn);
      const arn = executionArn(arnScope, m.name, name);
      const existing = store.execution(arn);
      if (existing) {
        // Same name and input while running: the same execution (idempotent retry of a start).
        if (existing.status === "RUNNING" && existing.input === input) {
          return { executionArn: existing.arn, startDate: seconds(existing.start) };
        }
        throw apiError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
      }
      const exec: ExecutionRecord = {
        arn,
        stateMachineArn: m.arn,
        name,
        input,
        status: "RUNNING",
        start: now(),
        stop: null,
        output: null,
        error: null,
        cause: null,
        definition: m.definition,
        roleArn: m.roleArn,
        machineUpdated: m.updated,
        lastEventId: 0,
      };
      ExecutionRunner.begin(deps, exec);
      launch(exec);
      statusEvents?.kick();
      return { executionArn: arn, startDate: seconds(exec.start) };
    },

    DescribeExecution(body) {
      const e = executionOr404(requireArn(body.executionArn, "execution", "executionArn"));
      return {
        executionArn: e.arn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: seconds(e.start),
        ...(e.stop !== null ? { stopDate: seconds(e.stop) } : {}),
        input: e.input,
        inputDetails: { included: true },
        ...(e.output !== null ? { output: e.output, outputDetails: { included: true } } : {}),
        ...(e.error !== null ? { error: e.error } : {}),
        ...(e.cause !== null ? { cause: e.cause } : {}),
        redriveCount: 0,
        redriveStatus: "NOT_REDRIVABLE",
      };
    },

    // The version of the state machine an execution runs: its definition snapshot, even
    // after the machine was updated or deleted.
    DescribeStateMachineForExecution(body) {
      const e = executionOr404(requireArn(body.executionArn, "execution", "executionArn"));
      return {
        stateMachineArn: e.stateMachineArn,
        name: e.stateMachineArn.split(":")[6],
        definition: e.definition,
        roleArn: e.roleArn,
        // Executions recorded before the update date was kept: their start bounds it.
        updateDate: seconds(e.machineUpdated ?? e.start),
        // What DescribeStateMachine answers: the local runtime neither logs nor traces.
        loggingConfiguration: { level: "OFF", includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },

    ListExecutions(body) {
      const smArn = requireArn(body.stateMachineArn, "stateMachine", "stateMachineArn");
      const status = body.statusFilter as string | undefined;
      if (status !== undefined && !STATUSES.includes(status)) {
        throw apiError("ValidationException", `Invalid statusFilter '${String(status)}'`);
      }
      const { offset, limit } = pageOf(body, `executions:${smArn}:${status ?? ""}`);
      machineOr404(smArn);
      const rows = store.executions(smArn, status, offset, limit + 1);
      const { items, nextToken } = pageOfRows(
        rows,
        offset,
        limit,
        `executions:${smArn}:${status ?? ""}`,
      );
      return {
        executions: items.map((e) => ({
          executionArn: e.arn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: seconds(e.start),
          ...(e.stop !== null ? { stopDate: seconds(e.stop) } : {}),
        })),
        ...(nextToken ? { nextToken } : {}),
      };
    },

    GetExecutionHistory(body) {
      const arn = requireArn(body.executionArn, "execution", "executionArn");
      const reverse = body.reverseOrder === true;
      const scope = `history:${arn}:${reverse}`;
      const { offset, limit } = pageOf(body, scope);
      executionOr404(arn);
      const rows = store.events(arn, reverse, offset, limit + 1);
      const { items, nextToken } = pageOfRows(rows, offset, limit, scope);
      return { events: items, ...(nextToken ? { nextToken } : {}) };
    },

    StopExecution(body) {
      const arn = requireArn(body.executionArn, "execution", "executionArn");
      const error = body.error === undefined ? undefined : String(body.error).slice(0, 256);
      const cause = body.cause === undefined ? undefined : String(body.cause).slice(0, 32768);
      const stopped = store.transaction(() => {
        const e = executionOr404(arn);
        if (e.status !== "RUNNING") return e.stop ?? now();
        const at = now();
        store.appendEvent(arn, {
          type: "ExecutionAborted",
          previousEventId: e.lastEventId,
          timestamp: seconds(at),
          executionAbortedEventDetails: {
            ...(error !== undefined ? { error } : {}),
            ...(cause !== undefined ? { cause } : {}),
          },
        });
        store.finishExecution(arn, {
          status: "ABORTED",
          stop: at,
          error: error ?? null,
          cause: cause ?? null,
        });
        return at;
      });
      runners.get(arn)?.halt();
      statusEvents?.kick();
      return { stopDate: seconds(stopped) };
    },

    SendTaskSuccess(body) {
      const output = body.output;
      if (typeof output !== "string")
        throw apiError("ValidationException", "Value for output must not be null");
      if (Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) {
        throw apiError(
          "ValidationException",
          "1 validation error detected: output exceeds the 262144 byte limit",
        );
      }
      try {
        JSON.parse(output);
      } catch (err) {
        throw apiError("InvalidOutput", `Invalid Output: ${(err as Error).message}`);
      }
      const record = store.transaction(() => {
        const r = pendingToken(body);
        store.settleToken(r.token, "SUCCEEDED", output);
        return r;
      });
      runners.get(record.executionArn)?.wake(record.token);
      return {};
    },

    SendTaskFailure(body) {
      const error = body.error === undefined ? "" : String(body.error);
      const cause = body.cause === undefined ? "" : String(body.cause);
      if (error.length > 256)
        throw apiError("ValidationException", "error must be at most 256 characters");
      if (cause.length > 32768)
        throw apiError("ValidationException", "cause must be at most 32768 characters");
      const record = store.transaction(() => {
        const r = pendingToken(body);
        store.settleToken(r.token, "FAILED", JSON.stringify({ Error: error, Cause: cause }));
        return r;
      });
      runners.get(record.executionArn)?.wake(record.token);
      return {};
    },

    SendTaskHeartbeat(body) {
      const record = store.transaction(() => {
        const r = pendingToken(body);
        store.heartbeat(r.token, now());
        return r;
      });
      runners.get(record.executionArn)?.wake(record.token);
      return {};
    },
  };

  return {
    async handle(action, body): Promise<ApiResponse> {
      if (closed)
        return {
          status: 503,
          body: { __type: "ServiceUnavailable", message: "Step Functions is closed" },
        };
      const fn = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!fn) {
        return {
          status: 400,
          body: { __type: "UnknownOperationException", message: `Unknown operation ${action}` },
        };
      }
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        return {
          status: 400,
          body: { __type: "SerializationException", message: "Request body must be a JSON object" },
        };
      }
      try {
        return { status: 200, body: fn(body as Body) };
      } catch (err) {
        if (err instanceof AwsError)
          return { status: err.status, body: { __type: err.code, message: err.message } };
        throw err;
      }
    },

    operations: Object.keys(actions),

    executionOfTaskToken: (token) => (closed ? undefined : store.token(token)?.executionArn),

    /** Stops timers and closes the database without touching any execution's state. */
    async close() {
      if (closed) return;
      closed = true;
      for (const runner of runners.values()) runner.halt();
      runners.clear();
      await statusEvents?.close();
      // Let halted runners unwind before the database goes away.
      await new Promise((r) => setImmediate(r));
      store.close();
    },
  };
}
