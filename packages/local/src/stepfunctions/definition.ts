// Parsing and validating ASL definitions, and finding the state graph a frame runs.
import { StateMachine } from "aws-local-stepfunctions";
import { apiError } from "./errors";
import { parseResource } from "./task-resources";
import type { JSONObject } from "./types";

export interface Graph {
  StartAt: string;
  States: Record<string, JSONObject & { Type: string }>;
  TimeoutSeconds?: number;
}

/** Parses and validates; any problem is `InvalidDefinition` as CreateStateMachine reports it. */
export function parseDefinition(text: unknown): Graph {
  if (typeof text !== "string" || text.length === 0) {
    throw apiError("ValidationException", "Value for definition must not be null");
  }
  if (Buffer.byteLength(text) > 1024 * 1024) {
    throw apiError("InvalidDefinition", "Definition exceeds the 1 MB limit");
  }
  let graph: Graph;
  try {
    graph = JSON.parse(text);
  } catch (err) {
    throw apiError(
      "InvalidDefinition",
      `Invalid State Machine Definition: '${(err as Error).message}'`,
    );
  }
  if (graph === null || typeof graph !== "object" || Array.isArray(graph)) {
    throw apiError("InvalidDefinition", "Invalid State Machine Definition: not a JSON object");
  }
  if ((graph as unknown as JSONObject).QueryLanguage === "JSONata") {
    throw apiError("InvalidDefinition", "JSONata is not supported by the local runtime");
  }
  try {
    new StateMachine(graph as never, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (err) {
    throw apiError(
      "InvalidDefinition",
      `Invalid State Machine Definition: ${(err as Error).message}`,
    );
  }
  forEachState(graph, (name, state) => {
    if (state.Type === "Task" && !parseResource(state.Resource as string)) {
      throw apiError(
        "InvalidDefinition",
        `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource provided ${String(state.Resource)} is not recognized. at /States/${name}/Resource'`,
      );
    }
    if (state.Type === "Map" && !state.ItemProcessor && !state.Iterator) {
      throw apiError("InvalidDefinition", `Map state ${name} has no ItemProcessor`);
    }
    const mode = (state.ItemProcessor as JSONObject | undefined)?.ProcessorConfig as JSONObject;
    if (mode?.Mode === "DISTRIBUTED") {
      throw apiError("InvalidDefinition", "Distributed Map is not supported by the local runtime");
    }
  });
  return graph;
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
