// The synthesized resource graph at the local cloud's start: `ensureGraph`
// keeps .cache/graph/graph.json current, `deployment()` reads the physical
// names and ARNs out of it.
export {
  type Deployment,
  deployment,
  deploymentOf,
  type Named,
  type RuleName,
  type TableName,
} from "./deployment";
export { ensureGraph, graphFile, graphInputsHash } from "./ensure";
export type { GraphResource } from "./types";
