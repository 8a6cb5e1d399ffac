import { describe, expect, it } from "vitest";
import { decodeCbor, encodeCbor } from "./cbor";

// RFC 8949 Appendix A's examples (the ones Smithy RPC v2 CBOR can carry),
// both ways, then what a request from botocore looks like.

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");

describe("CBOR", () => {
  it.each<[unknown, string]>([
    [0, "00"],
    [23, "17"],
    [24, "1818"],
    [1000, "1903e8"],
    [1000000, "1a000f4240"],
    [-1, "20"],
    [-1000, "3903e7"],
    [1.1, "fb3ff199999999999a"],
    [false, "f4"],
    [true, "f5"],
    [null, "f6"],
    ["", "60"],
    ["IETF", "6449455446"],
    ["\u00fc", "62c3bc"],
    [[1, [2, 3]], "8201820203"],
    [{ a: 1, b: [2, 3] }, "a26161016162820203"],
  ])("%j ⇄ %s", (value, encoded) => {
    expect(encodeCbor(value).toString("hex")).toBe(encoded);
    expect(decodeCbor(hex(encoded))).toEqual(value);
  });

  it.each<[string, unknown]>([
    ["f93c00", 1],
    ["f97bff", 65504],
    ["fa47c35000", 100000],
    ["1b000000e8d4a51000", 1000000000000],
    ["5f42010243030405ff", Buffer.from([1, 2, 3, 4, 5])],
    ["7f657374726561646d696e67ff", "streaming"],
    ["9f018202039f0405ffff", [1, [2, 3], [4, 5]]],
    ["bf61610161629f0203ffff", { a: 1, b: [2, 3] }],
  ])("decodes %s (half floats, big ints, indefinite lengths)", (encoded, value) => {
    expect(decodeCbor(hex(encoded))).toEqual(value);
  });

  it("tag 1 is a timestamp in epoch seconds, both ways", () => {
    expect(decodeCbor(hex("c11a514b67b0"))).toEqual(new Date("2013-03-21T20:04:00Z"));
    expect(decodeCbor(hex("c1fb41d452d9ec200000"))).toEqual(new Date(1363896240500));
    expect(decodeCbor(encodeCbor({ at: new Date(1363896240500) }))).toEqual({
      at: new Date(1363896240500),
    });
  });

  it.each([
    ["a truncated body", "1903"],
    ["trailing bytes", "0000"],
    ["a map with a number key", "a10102"],
  ])("refuses %s", (_, encoded) => {
    expect(() => decodeCbor(hex(encoded))).toThrow(/CBOR/);
  });
});
