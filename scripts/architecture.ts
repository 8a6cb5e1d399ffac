// The package map of ARCHITECTURE.md as rules: every import in every
// package's source is resolved to the part of the repo it lands in and checked
// against what that part may import (run by architecture.test.ts). A new package or a new folder under
// packages/local/src/services needs no edit here; a new package without a
// rule fails until ARCHITECTURE.md and this file say what it may import.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import ts from "typescript";

export const root = join(import.meta.dirname, "..");

export type Part =
  | { kind: "core" | "functions" | "web" | "cloud" | "local-test" | "tooling" }
  | { kind: "service"; name: string };

export interface SourceFile {
  /** Repo-relative, forward slashes. */
  path: string;
  text: string;
}

interface Import {
  specifier: string;
  typeOnly: boolean;
}

const SERVICES = "packages/local/src/services/";
// The AWS protocol layer (#18 part 2: dispatcher, wire formats, errors, ARNs,
// pagination, the SQLite store base) is shared by every service; it imports
// nothing of the local cloud. A service may import it, nothing else of the cloud.
const SHARED_WITH_SERVICES = {
  has: (path: string) => path.startsWith("packages/local/src/protocol/"),
};

export function partOf(path: string): Part | null {
  if (path.startsWith(SERVICES))
    return { kind: "service", name: path.slice(SERVICES.length).split("/")[0]! };
  if (path.startsWith("packages/local/src/")) return { kind: "cloud" };
  if (path.startsWith("packages/local/test/")) return { kind: "local-test" };
  const match = /^packages\/([^/]+)\/src\//.exec(path);
  if (!match) return null;
  const name = match[1]!;
  if (name === "core" || name === "functions" || name === "web" || name === "tooling")
    return { kind: name };
  throw new Error(
    `${path}: packages/${name} has no rule; add it to ARCHITECTURE.md and scripts/architecture.test.ts`,
  );
}

function importsOf(file: SourceFile): Import[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? Boolean(node.importClause?.isTypeOnly)
        : node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isPropertyAccessExpression(node.expression) &&
          node.expression.getText(source) === "vi.mock")) &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a path without extension names: `x.ts`, `x.tsx` or `x/index.ts`. */
function moduleFile(path: string): string {
  if (/\.(tsx?|json|css|java)$/.test(path)) return path;
  for (const candidate of [`${path}.ts`, `${path}.tsx`, `${path}/index.ts`])
    if (existsSync(join(root, candidate))) return candidate;
  return `${path}.ts`;
}

/** Where an import lands: a repo file or a bare package name. */
function target(from: string, specifier: string): { path?: string; bare?: string } {
  if (specifier.startsWith("."))
    return { path: moduleFile(posix.normalize(posix.join(posix.dirname(from), specifier))) };
  const workspace = /^@orders\/([^/]+)(?:\/(.*))?$/.exec(specifier);
  if (workspace) {
    const [, pkg, rest = "index"] = workspace;
    if (pkg === "local" && rest.startsWith("test/"))
      return { path: moduleFile(`packages/local/${rest}`) };
    return { path: moduleFile(`packages/${pkg}/src/${rest}`) };
  }
  return { bare: specifier };
}

const isTest = (path: string) => /\.test\.tsx?$/.test(path);

/** Every import that breaks the package map, as "file: specifier — reason". */
export function violations(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = partOf(file.path);
    if (!from) continue;
    for (const { specifier, typeOnly } of importsOf(file)) {
      const to = target(file.path, specifier);
      const toPart = to.path ? partOf(to.path) : null;
      const fail = (reason: string) => out.push(`${file.path}: "${specifier}" — ${reason}`);

      if (from.kind !== "tooling" && toPart?.kind === "tooling") {
        fail("product code never imports tooling");
        continue;
      }
      if (toPart?.kind === "service" && !(from.kind === "service" && from.name === toPart.name)) {
        if (!to.path!.endsWith(`/services/${toPart.name}/index.ts`))
          fail(`a service is used through its index.ts only`);
      }
      // AGPL-licensed: the local cloud's IAM may use it, nothing deployed may bundle it.
      if (
        to.bare?.startsWith("@cloud-copilot/") &&
        !file.path.startsWith("packages/local/src/iam/")
      )
        fail("the IAM simulator (AGPL) is imported by packages/local/src/iam only");
      switch (from.kind) {
        case "core":
          if (toPart && toPart.kind !== "core") fail("core imports nothing of the other packages");
          if (to.bare && /^(hono|@hono\/|aws-lambda$|@types\/aws-lambda)/.test(to.bare))
            fail("core is free of Hono and Lambda types");
          break;
        case "functions":
          if (toPart && toPart.kind !== "core" && toPart.kind !== "functions")
            fail("functions import core only");
          break;
        case "web":
          if (toPart?.kind === "functions" && !typeOnly)
            fail("the console takes only types from the API (import type)");
          else if (toPart && !["web", "core", "functions"].includes(toPart.kind))
            fail("the console imports its own code, the API's types and core's schemas");
          if (to.bare?.startsWith("@aws-sdk/")) fail("the console never imports the AWS SDK");
          break;
        case "service": {
          const own = toPart?.kind === "service" && toPart.name === from.name;
          const testSupport = isTest(file.path) && toPart?.kind === "local-test";
          if (toPart && !own && !testSupport && !SHARED_WITH_SERVICES.has(to.path!))
            fail("a service imports nothing of the app, the local cloud or another service");
          break;
        }
        case "cloud":
        case "local-test":
          if (
            toPart &&
            !["core", "functions", "cloud", "service", "local-test"].includes(toPart.kind)
          )
            fail("the local cloud imports core, functions and its services");
          if (from.kind === "cloud" && !isTest(file.path) && toPart?.kind === "local-test")
            fail("the local cloud's product code never imports its test support");
          break;
        case "tooling":
          break;
      }
    }
  }
  return out;
}

export function sources(dir: string): SourceFile[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    if (name === "node_modules" || name === "dist") return [];
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [{ path, text: readFileSync(join(root, path), "utf8") }] : [];
  });
}
