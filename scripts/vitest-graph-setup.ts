import { ensureGraph } from "../packages/local/src/graph";

// Vitest globalSetup: the synthesized graph is current before any worker starts,
// so the workers' deployment() only hashes and reads it.
export default function setup() {
  ensureGraph();
}
