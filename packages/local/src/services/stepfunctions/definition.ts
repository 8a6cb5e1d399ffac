// Parsing and validating ASL definitions, and finding the state graph a frame runs.
import { StateMachine } from "aws-local-stepfunctions";
import { AwsError } from "../../protocol";
import { apiError } from "./errors";
import { parseResource } from "./task-resources";
import type { JSONObject } from "./types";

export interface Graph {
  StartAt: string;
  States: Record<string, JSONObject & { Type: string }>;
  TimeoutSeconds?: number;
}

/** A problem ValidateStateMachineDefinition reports (its documented codes, and ours). */
export interface DefinitionDiagnostic {
  severity: "ERROR";
  code: string;
  message: string;
  /** Where in the definition, as a path like `/States/Pay/Retry[0]/ErrorEquals`. */
  location?: string;
}

/** CreateStateMachine's `InvalidDefinition`, carrying what ValidateStateMachineDefinition lists. */
class InvalidDefinition extends AwsError {
  constructor(
    readonly diagnostic: DefinitionDiagnostic,
    message: string,
  ) {
    super("InvalidDefinition", message);
  }
}

const invalid = (code: string, message: string, text = message) =>
  new InvalidDefinition({ severity: "ERROR", code, message }, text);

/** A problem at a place in the definition, in the words AWS's InvalidDefinition uses. */
const invalidAt = (code: string, message: string, location: string) =>
  new InvalidDefinition(
    { severity: "ERROR", code, message, location },
    `Invalid State Machine Definition: '${code}: ${message} at ${location}'`,
  );

/**
 * The problems `parseDefinition` finds, as diagnostics (none: CreateStateMachine would
 * accept it). Validation stops at the first problem, so there is at most one.
 */
export function validateDefinition(text: unknown): DefinitionDiagnostic[] {
  try {
    parseDefinition(text);
    return [];
  } catch (err) {
    if (err instanceof InvalidDefinition) return [err.diagnostic];
    throw err;
  }
}

/** Parses and validates; any problem is `InvalidDefinition` as CreateStateMachine reports it. */
export function parseDefinition(text: unknown): Graph {
  if (typeof text !== "string" || text.length === 0) {
    throw apiError("ValidationException", "Value for definition must not be null");
  }
  if (Buffer.byteLength(text) > 1024 * 1024) {
    throw invalid("SCHEMA_VALIDATION_FAILED", "Definition exceeds the 1 MB limit");
  }
  let graph: Graph;
  try {
    graph = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw invalid(
      "INVALID_JSON_DESCRIPTION",
      message,
      `Invalid State Machine Definition: '${message}'`,
    );
  }
  if (graph === null || typeof graph !== "object" || Array.isArray(graph)) {
    throw invalid(
      "SCHEMA_VALIDATION_FAILED",
      "not a JSON object",
      "Invalid State Machine Definition: not a JSON object",
    );
  }
  // Before the schema validator, whose messages for these would not say what is missing.
  rejectUnsupported(graph, "");
  try {
    new StateMachine(forValidator(graph) as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  } catch (err) {
    const message = (err as Error).message;
    throw invalid(
      "SCHEMA_VALIDATION_FAILED",
      message,
      `Invalid State Machine Definition: ${message}`,
    );
  }
  forEachState(graph, (name, state) => {
    if (state.Type === "Task" && !parseResource(state.Resource as string)) {
      throw invalidAt(
        "SCHEMA_VALIDATION_FAILED",
        `The resource provided ${String(state.Resource)} is not recognized.`,
        `/States/${name}/Resource`,
      );
    }
    if (state.Type === "Map" && !state.ItemProcessor && !state.Iterator) {
      throw invalid("SCHEMA_VALIDATION_FAILED", `Map state ${name} has no ItemProcessor`);
    }
    for (const field of ["Retry", "Catch"] as const) {
      const handlers = Array.isArray(state[field]) ? (state[field] as JSONObject[]) : [];
      handlers.forEach((handler, i) => {
        const names = Array.isArray(handler?.ErrorEquals) ? handler.ErrorEquals : [];
        if (names.includes("States.ALL") && (names.length > 1 || i < handlers.length - 1)) {
          throw invalidAt(
            "SCHEMA_VALIDATION_FAILED",
            `States.ALL must appear alone in the last ${field === "Retry" ? "retrier" : "catcher"}`,
            `/States/${name}/${field}[${i}]/ErrorEquals`,
          );
        }
      });
    }
  });
  return graph;
}

/**
 * A copy for the library's validator, which rejects the escaped backslash (`\\`) AWS
 * documents for intrinsic function literals: each becomes a plain character there.
 */
function forValidator(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    return key.endsWith(".$") && !value.startsWith("$") ? value.replaceAll("\\\\", "_") : value;
  }
  if (Array.isArray(value)) return value.map((v) => forValidator(v));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forValidator(v, k)]));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// Not one of AWS's codes: AWS would accept the definition; this runtime cannot run it.
const unsupported = (feature: string, at: string) =>
  invalidAt("UNSUPPORTED_FEATURE", `${feature} is not supported by the local runtime`, at);

// Fields only the JSONata query language has (a JSONPath state with them is a JSONata state
// whose QueryLanguage was set elsewhere, e.g. by a tool).
const JSONATA_FIELDS = ["Arguments", "Output"];
// Fields only a Distributed Map has; an inline Map with them would silently ignore them.
const DISTRIBUTED_MAP_FIELDS = [
  "ItemReader",
  "ItemBatcher",
  "ResultWriter",
  "ToleratedFailurePercentage",
  "ToleratedFailurePercentagePath",
  "ToleratedFailureCount",
  "ToleratedFailureCountPath",
  "Label",
];
const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:/;

/**
 * Features of AWS Step Functions this runtime does not implement. Rejecting them at
 * CreateStateMachine, naming the feature, beats an execution that ignores them.
 */
function rejectUnsupported(graph: unknown, at: string) {
  if (!isObject(graph)) return;
  if (graph.QueryLanguage === "JSONata") {
    throw unsupported('JSONata (QueryLanguage "JSONata")', `${at}/QueryLanguage`);
  }
  if (!isObject(graph.States)) return;
  for (const [name, state] of Object.entries(graph.States)) {
    if (!isObject(state)) continue;
    const here = `${at}/States/${name}`;
    if (state.QueryLanguage === "JSONata") {
      throw unsupported('JSONata (QueryLanguage "JSONata")', `${here}/QueryLanguage`);
    }
    for (const field of JSONATA_FIELDS) {
      if (field in state) throw unsupported(`JSONata (the ${field} field)`, `${here}/${field}`);
    }
    if ("Assign" in state) throw unsupported("Variables (the Assign field)", `${here}/Assign`);
    const resource = state.Resource;
    if (state.Type === "Task" && typeof resource === "string") {
      if (/\.sync(:\d+)?$/.test(resource)) {
        throw unsupported(
          `The .sync integration pattern (Run a Job: ${resource})`,
          `${here}/Resource`,
        );
      }
      if (ACTIVITY_ARN.test(resource)) {
        throw unsupported(`An activity resource (${resource})`, `${here}/Resource`);
      }
    }
    if (state.Type === "Map") {
      const processor = state.ItemProcessor;
      const config = isObject(processor) ? processor.ProcessorConfig : undefined;
      if (isObject(config) && config.Mode === "DISTRIBUTED") {
        throw unsupported(
          'Distributed Map (ProcessorConfig Mode "DISTRIBUTED")',
          `${here}/ItemProcessor/ProcessorConfig/Mode`,
        );
      }
      for (const field of DISTRIBUTED_MAP_FIELDS) {
        if (field in state) {
          throw unsupported(`Distributed Map (the ${field} field)`, `${here}/${field}`);
        }
      }
      rejectUnsupported(
        processor ?? state.Iterator,
        `${here}/${processor ? "ItemProcessor" : "Iterator"}`,
      );
    }
    if (state.Type === "Parallel" && Array.isArray(state.Branches)) {
      for (const [i, branch] of state.Branches.entries()) {
        rejectUnsupported(branch, `${here}/Branches/${i}`);
      }
    }
    for (const list of ["Catch", "Choices"] as const) {
      const items = Array.isArray(state[list]) ? (state[list] as unknown[]) : [];
      items.forEach((item, i) => {
        if (isObject(item) && "Assign" in item) {
          throw unsupported("Variables (the Assign field)", `${here}/${list}/${i}/Assign`);
        }
        if (isObject(item) && ("Condition" in item || "Output" in item)) {
          const field = "Condition" in item ? "Condition" : "Output";
          throw unsupported(`JSONata (the ${field} field)`, `${here}/${list}/${i}/${field}`);
        }
      });
    }
  }
}

function forEachState(graph: Graph, visit: (name: string, state: JSONObject) => void) {
  for (const [name, state] of Object.entries(graph.States ?? {})) {
    visit(name, state);
    for (const sub of subGraphs(state)) forEachState(sub, visit);
  }
}

function subGraphs(state: JSONObject): Graph[] {
  if (state.Type === "Map") return [(state.ItemProcessor ?? state.Iterator) as unknown as Graph];
  if (state.Type === "Parallel") return state.Branches as unknown as Graph[];
  return [];
}

/**
 * A frame's graph is found by a path from the root: pairs of (state name, branch index),
 * index 0 for a Map's ItemProcessor.
 */
export function graphAt(root: Graph, path: Array<[string, number]>): Graph {
  let graph = root;
  for (const [stateName, index] of path) {
    const state = graph.States[stateName] as JSONObject;
    const sub = subGraphs(state)[index];
    if (!sub) throw new Error(`No sub-graph ${stateName}[${index}]`);
    graph = sub;
  }
  return graph;
}
