import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openLogStore } from "./log-store";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "log-store-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const line = (requestId: string, message: string) => ({
  time: Date.now(),
  functionName: "Fn",
  requestId,
  stream: "stdout" as const,
  message,
});

describe("log store", () => {
  it("reads a line appended in the same turn of the event loop, in order", () => {
    const logs = openLogStore(freshDir());
    logs.append(line("r1", "one"));
    logs.append(
      line("r1", JSON.stringify({ level: "INFO", correlation_id: "c1", message: "two" })),
    );
    logs.append(line("r2", "other"));
    expect(logs.logsByRequestId("r1").map((l) => l.message.slice(0, 3))).toEqual(["one", '{"l']);
    expect(logs.logsByCorrelationId("c1")).toMatchObject([{ requestId: "r1", level: "INFO" }]);
    expect(logs.recent({ limit: 1 }).map((l) => l.message)).toEqual(["other"]);
    logs.close();
  });

  it("writes pending lines when it closes", () => {
    const dir = freshDir();
    const logs = openLogStore(dir);
    logs.append(line("r1", "last words"));
    logs.close();
    const reopened = openLogStore(dir);
    expect(reopened.logsByRequestId("r1").map((l) => l.message)).toEqual(["last words"]);
    reopened.close();
  });

  it("writes lines of one turn together, once the turn ends", async () => {
    const dir = freshDir();
    const logs = openLogStore(dir);
    const other = openLogStore(dir);
    logs.append(line("r1", "a"));
    logs.append(line("r1", "b"));
    expect(other.logsByRequestId("r1")).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(other.logsByRequestId("r1").map((l) => l.message)).toEqual(["a", "b"]);
    logs.close();
    other.close();
  });
});
