import { afterEach, describe, expect, it } from "vitest";
import { startDynamoDbLocal } from "./dynamodb-local";

// The unit tier (`pnpm test:unit`) is chosen by file name; an engine test
// named like a unit test must fail there rather than start a JVM.
describe("DynamoDB Local in the unit tier", () => {
  const tier = process.env.ORDERS_TEST_TIER;
  afterEach(() => {
    if (tier === undefined) delete process.env.ORDERS_TEST_TIER;
    else process.env.ORDERS_TEST_TIER = tier;
  });

  it("refuses to start, naming the convention", async () => {
    process.env.ORDERS_TEST_TIER = "unit";
    await expect(startDynamoDbLocal()).rejects.toThrow(/\*\.integration\.test\.ts/);
  });
});
