// The IAM declarations beside Step Functions' operations: the action and the resource ARNs
// each request is authorised on (the endpoint's IAM slot receives exactly these).
import { describe, expect, it } from "vitest";
import type { AwsRequest } from "../../protocol";
import { stepFunctionsService } from "./operations";

const service = stepFunctionsService(() => undefined, {
  region: "us-east-1",
  accountId: "000000000000",
});
const authorization = (operation: string, input: Record<string, unknown>) =>
  service.operations[operation]?.({ operation, input } as unknown as AwsRequest);

describe("Step Functions' IAM declarations", () => {
  it("DescribeStateMachineForExecution: states:DescribeStateMachineForExecution on the execution", () => {
    const executionArn = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1";
    expect(authorization("DescribeStateMachineForExecution", { executionArn })).toEqual({
      action: "states:DescribeStateMachineForExecution",
      resources: [executionArn],
    });
  });

  it("ValidateStateMachineDefinition: states:ValidateStateMachineDefinition on *", () => {
    expect(authorization("ValidateStateMachineDefinition", { definition: "{}" })).toEqual({
      action: "states:ValidateStateMachineDefinition",
      resources: ["*"],
    });
  });
});
