import { describe, expect, it } from "vitest";
import { compileWildcard, InvalidEventPatternError, parsePattern } from "./pattern";
import { eventFor, invalidPatterns, patternCases } from "./pattern-cases";

describe("event pattern matching (EventBridge docs examples)", () => {
  it.each(patternCases)("$name → $match", (c) => {
    // Through JSON text, as PutRule and PutEvents see both sides.
    const compiled = parsePattern(JSON.stringify(c.pattern));
    expect(compiled.matches(JSON.parse(JSON.stringify(eventFor(c))))).toBe(c.match);
  });

  it("every case cites the AWS documentation page it comes from", () => {
    for (const c of patternCases) {
      expect(c.doc, c.name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/eventbridge\//);
    }
  });

  it("5 and 5.0 are the same number when written as JSON text", () => {
    expect(parsePattern('{"detail":{"n":[5.0]}}').matches(JSON.parse('{"detail":{"n":5}}'))).toBe(
      true,
    );
    expect(parsePattern('{"detail":{"n":[5]}}').matches(JSON.parse('{"detail":{"n":5.0}}'))).toBe(
      true,
    );
  });

  it("the table covers every operator, matching and not matching", () => {
    const ops = [
      "prefix",
      "suffix",
      "anything-but",
      "numeric",
      "exists",
      "cidr",
      "equals-ignore-case",
      "wildcard",
      "$or",
    ];
    for (const op of ops) {
      const uses = patternCases.filter((c) => JSON.stringify(c.pattern).includes(`"${op}"`));
      expect(
        uses.some((c) => c.match),
        `${op} has a matching case`,
      ).toBe(true);
      expect(
        uses.some((c) => !c.match),
        `${op} has a non-matching case`,
      ).toBe(true);
    }
  });
});

describe("event pattern validation", () => {
  it.each(invalidPatterns)("rejects $pattern", ({ pattern, reason }) => {
    let caught: unknown;
    try {
      parsePattern(pattern);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    expect((caught as Error).name).toBe("InvalidEventPatternException");
    expect((caught as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect((caught as Error).message).toMatch(reason);
  });

  it("keeps wildcard metacharacters other than * literal", () => {
    expect(compileWildcard("a.b(c)*").test("a.b(c)-tail")).toBe(true);
    expect(compileWildcard("a.b").test("axb")).toBe(false);
  });
});
