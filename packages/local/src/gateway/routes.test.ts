import { describe, expect, it } from "vitest";
import { compileRoute, createRouteTable } from "./routes";

// HTTP API route selection: the most specific route wins.
describe("route table", () => {
  const table = createRouteTable({
    "GET /pets": "list",
    "ANY /pets/{id}": "any-pet",
    "GET /pets/{id}": "get-pet",
    "GET /pets/dog": "dog",
    "GET /pets/{id}/toys/{toy}": "toy",
    "ANY /pets/{proxy+}": "pets-greedy",
    "ANY /{proxy+}": "root-greedy",
  });
  const pick = (method: string, path: string) => {
    const m = table.match(method, path);
    return m && [m.route.spec, m.pathParameters];
  };

  it.each([
    ["GET", "/pets", ["list", {}]],
    ["GET", "/pets/dog", ["dog", {}]],
    ["GET", "/pets/7", ["get-pet", { id: "7" }]],
    ["DELETE", "/pets/7", ["any-pet", { id: "7" }]],
    ["GET", "/pets/7/toys/ball", ["toy", { id: "7", toy: "ball" }]],
    ["GET", "/pets/7/toys", ["pets-greedy", { proxy: "7/toys" }]],
    ["POST", "/pets", ["root-greedy", { proxy: "pets" }]],
    ["GET", "/a/b%2Fc", ["root-greedy", { proxy: "a/b/c" }]],
  ] as const)("%s %s", (method, path, expected) => {
    expect(pick(method, path)).toEqual(expected);
  });

  it("matches nothing for the root without a $default route, and the $default otherwise", () => {
    expect(table.match("GET", "/")).toBeUndefined();
    const withDefault = createRouteTable({ "GET /a": "a", $default: "fallback" });
    expect(withDefault.match("GET", "/b")?.route.spec).toBe("fallback");
    expect(withDefault.match("GET", "/a")?.route.spec).toBe("a");
  });

  it("refuses malformed route keys", () => {
    expect(() => compileRoute("GET pets", 1)).toThrow(/METHOD \/path/);
    expect(() => compileRoute("GET /{proxy+}/x", 1)).toThrow(/greedy/);
    expect(() => compileRoute("GET /a{b}", 1)).toThrow(/segment/);
  });
});
