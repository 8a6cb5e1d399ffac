// Lays out an ASL state machine as a graph for the console: the path a saga
// normally takes runs down the left ("main" lane), compensation states —
// reachable only through a Catch — run down the right. Ranks are longest-path
// layers within each lane, so every Next edge points downwards; a state's
// column within its rank favours the branch with the longest way still to go.

export interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Comment?: string;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

export type EdgeKind = "next" | "choice" | "default" | "catch";

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface GraphNode {
  id: string;
  type: string;
  lane: "main" | "compensation";
  rank: number;
  column: number;
  x: number;
  y: number;
  retries: boolean;
  comment?: string;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE = { width: 168, height: 40, gapX: 28, gapY: 34, laneGap: 56, pad: 12 } as const;

export function edgesOf(definition: AslDefinition): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const [from, state] of Object.entries(definition.States)) {
    if (state.Next) edges.push({ from, to: state.Next, kind: "next" });
    for (const choice of state.Choices ?? []) edges.push({ from, to: choice.Next, kind: "choice" });
    if (state.Default) edges.push({ from, to: state.Default, kind: "default", label: "default" });
    for (const c of state.Catch ?? [])
      edges.push({ from, to: c.Next, kind: "catch", label: c.ErrorEquals.join(", ") });
  }
  // One arrow per (from, to, kind) pair: several choices to one state draw once.
  return edges.filter(
    (e, i) => edges.findIndex((o) => o.from === e.from && o.to === e.to && o.kind === e.kind) === i,
  );
}

export function layoutAsl(definition: AslDefinition): GraphLayout {
  const names = Object.keys(definition.States);
  const edges = edgesOf(definition);
  const out = (name: string, kinds: (e: GraphEdge) => boolean) =>
    edges.filter((e) => e.from === name && kinds(e));

  // Main lane: reachable from StartAt without taking a Catch.
  const main = new Set<string>();
  const stack = [definition.StartAt];
  while (stack.length) {
    const name = stack.pop()!;
    if (main.has(name) || !definition.States[name]) continue;
    main.add(name);
    for (const e of out(name, (e) => e.kind !== "catch")) stack.push(e.to);
  }
  const laneOf = (name: string) => (main.has(name) ? "main" : "compensation");

  // Back edges (to a state on the current path from StartAt: a loop) would
  // make "longest path" infinite: they are drawn but do not rank.
  const back = new Set<GraphEdge>();
  const onPath = new Set<string>();
  const done = new Set<string>();
  const walk = (name: string) => {
    onPath.add(name);
    for (const e of edges.filter((e) => e.from === name)) {
      if (onPath.has(e.to)) back.add(e);
      else if (!done.has(e.to)) walk(e.to);
    }
    onPath.delete(name);
    done.add(name);
  };
  walk(definition.StartAt);
  for (const name of names) if (!done.has(name)) walk(name);
  const forward = edges.filter((e) => !back.has(e));

  // Longest-path ranks within each lane. A compensation state starts just
  // below the first main-lane state that can fail into it.
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const rankOf = (name: string): number => {
    if (rank.has(name)) return rank.get(name)!;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const incoming = forward.filter((e) => e.to === name);
    let value = 0;
    if (laneOf(name) === "main") {
      const preds = incoming.filter((e) => e.kind !== "catch" && laneOf(e.from) === "main");
      value = preds.length ? Math.max(...preds.map((e) => rankOf(e.from) + 1)) : 0;
    } else {
      const entries = incoming.filter((e) => laneOf(e.from) === "main");
      const within = incoming.filter((e) => laneOf(e.from) === "compensation");
      const entry = entries.length ? Math.min(...entries.map((e) => rankOf(e.from) + 1)) : 0;
      value = Math.max(entry, ...within.map((e) => rankOf(e.from) + 1));
    }
    visiting.delete(name);
    rank.set(name, value);
    return value;
  };
  for (const name of names) rankOf(name);

  // Longest way still to go, to put the "spine" of each lane in column 0.
  const remaining = new Map<string, number>();
  const depth = (name: string, seen = new Set<string>()): number => {
    if (remaining.has(name)) return remaining.get(name)!;
    if (seen.has(name)) return 0;
    seen.add(name);
    const next = forward.filter(
      (e) => e.kind !== "catch" && e.from === name && laneOf(e.to) === laneOf(name),
    );
    const value = next.length ? 1 + Math.max(...next.map((e) => depth(e.to, seen))) : 0;
    remaining.set(name, value);
    return value;
  };

  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = `${laneOf(name)}:${rank.get(name)}`;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const column = new Map<string, number>();
  const laneColumns = { main: 1, compensation: 1 };
  for (const [key, members] of groups) {
    members.sort((a, b) => depth(b) - depth(a) || names.indexOf(a) - names.indexOf(b));
    for (const [i, name] of members.entries()) column.set(name, i);
    const lane = key.split(":")[0] as "main" | "compensation";
    laneColumns[lane] = Math.max(laneColumns[lane], members.length);
  }

  const colWidth = NODE.width + NODE.gapX;
  const compensationX = NODE.pad + laneColumns.main * colWidth - NODE.gapX + NODE.laneGap;
  const nodes: GraphNode[] = names.map((id) => {
    const state = definition.States[id]!;
    const lane = laneOf(id);
    const r = rank.get(id)!;
    const c = column.get(id)!;
    return {
      id,
      type: state.Type,
      lane,
      rank: r,
      column: c,
      x: (lane === "main" ? NODE.pad : compensationX) + c * colWidth,
      y: NODE.pad + r * (NODE.height + NODE.gapY),
      retries: Boolean(state.Retry?.length),
      ...(state.Comment ? { comment: state.Comment } : {}),
    };
  });
  const hasCompensation = nodes.some((n) => n.lane === "compensation");
  const width =
    (hasCompensation
      ? compensationX + laneColumns.compensation * colWidth - NODE.gapX
      : NODE.pad + laneColumns.main * colWidth - NODE.gapX) + NODE.pad;
  const height =
    NODE.pad * 2 +
    (Math.max(...nodes.map((n) => n.rank)) + 1) * (NODE.height + NODE.gapY) -
    NODE.gapY;
  return { nodes, edges, width, height };
}
