import fc from "fast-check";

// Shared settings and arbitraries of the fuzz suites (`*.fuzz.test.ts`).
// Runs are seeded (FUZZ_SEED to explore another part of the space, FUZZ_RUNS
// to go longer), so a failure reproduces; the time limit is a backstop that
// keeps a slow machine from stalling the suite, not a budget to fill.

export const fuzzParameters = (): fc.Parameters<unknown> => ({
  seed: Number(process.env.FUZZ_SEED ?? 20_240_601),
  numRuns: Number(process.env.FUZZ_RUNS ?? 1_000),
  interruptAfterTimeLimit: Number(process.env.FUZZ_TIME_LIMIT_MS ?? 50_000),
  endOnFailure: true,
});

/** A test's own timeout: the backstop plus room for set-up and shrinking. */
export const FUZZ_TEST_TIMEOUT_MS = 120_000;

/** Strings at the edges validators care about. */
export const edgeString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "null",
    "undefined",
    "[]",
    "{}",
    "💥",
    "../../etc/passwd",
    "%00",
    "a".repeat(64),
    "a".repeat(65),
    "a".repeat(129),
    "a".repeat(2_049),
    "<script>",
    "' OR 1=1 --",
    "ORDER#x",
    "__proto__",
    "constructor",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

export const edgeNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 1.5, 100, 101, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -0),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** Any JSON value, edge-heavy. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  fc.jsonValue({ maxDepth: 3 }),
  edgeString,
  edgeNumber,
  fc.constantFrom(null, true, false, [], {}),
);

/** Text that is not JSON at all. */
export const notJson = fc.oneof(
  fc.constantFrom("{", "{nope", "[1,", "undefined", "NaN", "{'a':1}", '{"a":1}}', "\u0000"),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => `{${s}`),
);

/** Replace one field of an object with something else (or drop it, or add a stranger). */
export function mutateObject(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base);
  const stranger = fc
    .record({ key: fc.string({ minLength: 1, maxLength: 12 }), value: anyJson })
    .filter(({ key }) => !keys.includes(key))
    .map(({ key, value }) => ({ ...base, [key]: value }));
  if (keys.length === 0) return fc.oneof(stranger, fc.constant(base));
  return fc.oneof(
    fc
      .record({ key: fc.constantFrom(...keys), value: anyJson })
      .map(({ key, value }) => ({ ...base, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const { [key]: _gone, ...rest } = base;
      return rest;
    }),
    stranger,
  );
}

/** A stable error code: UPPER_SNAKE (ours) or an AWS exception name. */
export const STABLE_CODE = /^[A-Z][A-Za-z0-9_.]*$/;
