import { sagaDefinition } from "@orders/core/topology";
import { useMemo } from "react";
import type { StateRun } from "../../lib/admin-types";
import { type AslDefinition, type GraphNode, layoutAsl, NODE } from "./layout";

// The saga drawn from its ASL definition (the same document both runtimes
// execute), with the path an execution took and where it is now.

const definition = sagaDefinition as unknown as AslDefinition;

type Visit = "visited" | "current" | "failed" | "caught";

function visitsOf(states: readonly StateRun[]): Map<string, Visit> {
  const visits = new Map<string, Visit>();
  for (const run of states) {
    const visit: Visit =
      run.outcome === "running"
        ? "current"
        : run.outcome === "failed"
          ? "failed"
          : run.outcome === "caught"
            ? "caught"
            : "visited";
    visits.set(run.name, visit);
  }
  return visits;
}

const center = (n: GraphNode) => ({ x: n.x + NODE.width / 2, y: n.y + NODE.height / 2 });

export function SagaGraph({
  states = [],
  title = "Fulfilment saga",
}: {
  states?: readonly StateRun[];
  title?: string;
}) {
  const layout = useMemo(() => layoutAsl(definition), []);
  const visits = visitsOf(states);
  const taken = new Set(states.map((s, i) => `${s.name}->${states[i + 1]?.name ?? ""}`));
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const current = states.find((s) => s.outcome === "running")?.name;
  const summary = states.length
    ? `${title}: path taken ${states.map((s) => s.name).join(" → ")}${current ? `; now in ${current}` : ""}`
    : `${title}: ${layout.nodes.length} states`;

  return (
    <figure className="saga-graph">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the graph scrolls on narrow screens and must be reachable by keyboard */}
      <div className="saga-scroll" tabIndex={0}>
        <svg
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-label={summary}
        >
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 8 8"
              refX="7"
              refY="4"
              markerWidth="8"
              markerHeight="8"
              markerUnits="userSpaceOnUse"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L8,4 L0,8 z" fill="currentColor" />
            </marker>
          </defs>
          {layout.edges.map((e) => {
            const a = byId.get(e.from);
            const b = byId.get(e.to);
            if (!a || !b) return null;
            const isTaken = taken.has(`${e.from}->${e.to}`);
            let d: string;
            if (b.y > a.y && b.lane === a.lane) {
              const s = { x: center(a).x, y: a.y + NODE.height };
              const t = { x: center(b).x, y: b.y };
              const my = (s.y + t.y) / 2;
              d = `M${s.x},${s.y} C${s.x},${my} ${t.x},${my} ${t.x},${t.y}`;
            } else {
              // Across lanes (a catch) or upwards: leave from the side.
              const right = b.x > a.x;
              const s = { x: right ? a.x + NODE.width : a.x, y: center(a).y };
              const t = { x: right ? b.x : b.x + NODE.width, y: center(b).y };
              const mx = (s.x + t.x) / 2;
              d = `M${s.x},${s.y} C${mx},${s.y} ${mx},${t.y} ${t.x},${t.y}`;
            }
            return (
              <path
                key={`${e.from}-${e.to}-${e.kind}`}
                d={d}
                className={`edge edge-${e.kind}${isTaken ? " edge-taken" : ""}`}
                markerEnd="url(#arrow)"
              >
                <title>{`${e.from} → ${e.to}${e.label ? ` (${e.label})` : ""}`}</title>
              </path>
            );
          })}
          {layout.nodes.map((n) => {
            const visit = visits.get(n.id);
            return (
              <g
                key={n.id}
                transform={`translate(${n.x},${n.y})`}
                className={`node node-${n.type.toLowerCase()} ${visit ? `node-${visit}` : ""}`}
              >
                <title>{`${n.id} (${n.type})${visit ? `: ${visit}` : ""}${n.comment ? `\n${n.comment}` : ""}`}</title>
                <rect width={NODE.width} height={NODE.height} rx={n.type === "Choice" ? 20 : 8} />
                <text
                  x={NODE.width / 2}
                  y={NODE.height / 2 - 2}
                  textAnchor="middle"
                  className="node-name"
                >
                  {n.id}
                </text>
                <text
                  x={NODE.width / 2}
                  y={NODE.height / 2 + 12}
                  textAnchor="middle"
                  className="node-type"
                >
                  {n.type}
                  {n.retries ? " · retries" : ""}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="legend">
        <span className="legend-item legend-visited">visited</span>
        <span className="legend-item legend-current">current</span>
        <span className="legend-item legend-caught">error caught</span>
        <span className="legend-item legend-failed">failed</span>
        <span className="legend-item legend-catch">catch edge</span>
      </figcaption>
    </figure>
  );
}
