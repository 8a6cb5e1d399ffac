import type { HttpRouteSpec } from "./types";

// Route selection as HTTP APIs do it: `METHOD /path` keys with `{param}` and a
// trailing greedy `{proxy+}`, `ANY` for every method, and `$default` as the
// catch-all. When several routes match, the most specific wins: segment by
// segment a literal beats a variable beats a greedy variable, and an explicit
// method beats ANY.

type Segment =
  | { kind: "literal"; value: string }
  | { kind: "param"; name: string }
  | { kind: "greedy"; name: string };

export interface CompiledRoute<S = HttpRouteSpec> {
  routeKey: string;
  method: string;
  segments: Segment[];
  spec: S;
}

export interface RouteMatch<S = HttpRouteSpec> {
  route: CompiledRoute<S>;
  pathParameters: Record<string, string>;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

export function compileRoute<S>(routeKey: string, spec: S): CompiledRoute<S> {
  if (routeKey === "$default") return { routeKey, method: "ANY", segments: [], spec };
  const match = /^([A-Z]+) (\/.*)$/.exec(routeKey);
  if (!match) throw new Error(`route key "${routeKey}" is not "METHOD /path" or "$default"`);
  const [, method, path] = match as unknown as [string, string, string];
  const parts = path === "/" ? [] : path.slice(1).split("/");
  const segments = parts.map((part, i): Segment => {
    const variable = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (!variable) {
      if (part.includes("{") || part === "")
        throw new Error(`route key "${routeKey}": bad path segment "${part}"`);
      return { kind: "literal", value: part };
    }
    if (variable[2]) {
      if (i !== parts.length - 1)
        throw new Error(`route key "${routeKey}": a greedy variable must be last`);
      return { kind: "greedy", name: variable[1]! };
    }
    return { kind: "param", name: variable[1]! };
  });
  return { routeKey, method, segments, spec };
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

function matchPath(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === "greedy") {
      const rest = parts.slice(i).join("/");
      if (!rest) return undefined;
      params[segment.name] = decode(rest);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (part !== segment.value) return undefined;
    } else {
      if (part === "") return undefined;
      params[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/** Negative when `a` is more specific than `b`. */
function bySpecificity<S>(a: CompiledRoute<S>, b: CompiledRoute<S>): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const ra = a.segments[i] ? RANK[a.segments[i]!.kind] : -1;
    const rb = b.segments[i] ? RANK[b.segments[i]!.kind] : -1;
    if (ra !== rb) return ra - rb;
  }
  return (a.method === "ANY" ? 1 : 0) - (b.method === "ANY" ? 1 : 0);
}

export function createRouteTable<S>(routes: Record<string, S>) {
  const compiled = Object.entries(routes).map(([key, spec]) => compileRoute(key, spec));
  const fallback = compiled.find((r) => r.routeKey === "$default");
  const explicit = compiled.filter((r) => r !== fallback);
  return {
    routes: compiled,
    match(method: string, rawPath: string): RouteMatch<S> | undefined {
      const parts = rawPath === "/" ? [] : rawPath.slice(1).split("/");
      const candidates: RouteMatch<S>[] = [];
      for (const route of explicit) {
        if (route.method !== "ANY" && route.method !== method) continue;
        const pathParameters = matchPath(route.segments, parts);
        if (pathParameters) candidates.push({ route, pathParameters });
      }
      candidates.sort((a, b) => bySpecificity(a.route, b.route));
      return candidates[0] ?? (fallback ? { route: fallback, pathParameters: {} } : undefined);
    },
  };
}
