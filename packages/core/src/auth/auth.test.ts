import { describe, expect, it } from "vitest";
import { groupsOf, ListClaim } from ".";

describe("the groups claim", () => {
  it("reads every shape it arrives in", () => {
    expect(groupsOf({ "cognito:groups": ["ops", "x"] })).toEqual(["ops", "x"]);
    expect(groupsOf({ "cognito:groups": "[ops other]" })).toEqual(["ops", "other"]);
    expect(groupsOf({ "cognito:groups": '["ops","other"]' })).toEqual(["ops", "other"]);
    expect(groupsOf({ "cognito:groups": "ops" })).toEqual(["ops"]);
    expect(groupsOf({ "cognito:groups": "ops, beta" })).toEqual(["ops", "beta"]);
  });

  it("is no groups when absent, empty or not a list", () => {
    expect(groupsOf(undefined)).toEqual([]);
    expect(groupsOf({})).toEqual([]);
    expect(groupsOf({ "cognito:groups": "" })).toEqual([]);
    expect(groupsOf({ "cognito:groups": "[]" })).toEqual([]);
    expect(groupsOf({ "cognito:groups": 7 })).toEqual([]);
  });

  it("reads scopes the same way", () => {
    expect(ListClaim.parse("orders/read orders/write")).toEqual(["orders/read", "orders/write"]);
  });
});
