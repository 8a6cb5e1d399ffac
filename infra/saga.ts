import {
  type FunctionName,
  functions as functionSpecs,
  orderPolicy,
  renderSaga,
  type SagaSubstitutions,
} from "../packages/core/src/topology";
import { policy } from "./config";
import { defineFunction, type LinkTargets, offerGrantTargets } from "./functions";
import { paymentProvider } from "./payment-sandbox";
import { queues } from "./queues";
import { tables } from "./storage";

// The fulfilment saga: the shared ASL document (the same one the local cloud
// runs) with its placeholders filled with this stage's function ARNs and the
// approvals queue, deployed as a Standard state machine. SST's StepFunctions
// component builds JSONata only, hence the raw resource in a Linkable.

const targets: LinkTargets = {
  ...tables,
  ...queues,
  PaymentProvider: paymentProvider,
  OrderPolicy: policy,
};

// The saga's steps, each invoked by its Task state (the ASL's placeholder of the same name).
// A missing one fails renderSaga below; an extra one, the graph test.
export const claimOrder = defineFunction("ClaimOrder", targets);
export const reserveInventory = defineFunction("ReserveInventory", targets);
export const releaseInventory = defineFunction("ReleaseInventory", targets);
export const capturePayment = defineFunction("CapturePayment", targets);
export const voidPayment = defineFunction("VoidPayment", targets);
export const completeOrder = defineFunction("CompleteOrder", targets);
export const cancelOrder = defineFunction("CancelOrder", targets);

export const steps = {
  ClaimOrder: claimOrder,
  ReserveInventory: reserveInventory,
  ReleaseInventory: releaseInventory,
  CapturePayment: capturePayment,
  VoidPayment: voidPayment,
  CompleteOrder: completeOrder,
  CancelOrder: cancelOrder,
} satisfies Partial<Record<FunctionName, sst.aws.Function>>;

const stepArns = Object.fromEntries(
  Object.entries(steps).map(([name, fn]) => [name, fn.arn] as const),
);

// What the saga's deadline (and any end without Catch) leaves undone: the
// SagaEndedToCompensator rule on the default bus invokes this asynchronously
// (infra/rules.ts). Lambda retries a failed invocation twice, then sends the
// event to its on-failure destination (SagaCompensationDlq, the rule's own DLQ;
// its role may send there, as an event source of the topology's).
const compensationDlq = queues[functionSpecs.SagaCompensator.onAsyncFailure];
export const compensator = defineFunction("SagaCompensator", targets);
new aws.lambda.FunctionEventInvokeConfig("SagaCompensatorInvokeConfig", {
  functionName: compensator.name,
  maximumRetryAttempts: 2,
  maximumEventAgeInSeconds: 6 * 3600,
  destinationConfig: { onFailure: { destination: compensationDlq.arn } },
});
const approvals = queues.ApprovalsQueue;
const stateMachineName = `${$app.name}-${$app.stage}-FulfillmentSaga`;

const logGroup = new aws.cloudwatch.LogGroup("FulfillmentSagaLogs", {
  // Step Functions delivers logs through CloudWatch's vended-logs path.
  name: `/aws/vendedlogs/states/${stateMachineName}`,
  retentionInDays: 30,
});

const role = new aws.iam.Role("FulfillmentSagaRole", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "states.amazonaws.com" }),
  inlinePolicies: [
    {
      name: "saga",
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "InvokeSagaSteps",
            Effect: "Allow",
            Action: "lambda:InvokeFunction",
            Resource: Object.values(stepArns),
          },
          {
            Sid: "AskForApproval",
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: approvals.arn,
          },
          {
            // Log delivery and X-Ray have no resource-level permissions.
            Sid: "LogsAndTraces",
            Effect: "Allow",
            Action: [
              "logs:CreateLogDelivery",
              "logs:GetLogDelivery",
              "logs:UpdateLogDelivery",
              "logs:DeleteLogDelivery",
              "logs:ListLogDeliveries",
              "logs:PutResourcePolicy",
              "logs:DescribeResourcePolicies",
              "logs:DescribeLogGroups",
              "xray:PutTraceSegments",
              "xray:PutTelemetryRecords",
              "xray:GetSamplingRules",
              "xray:GetSamplingTargets",
            ],
            Resource: "*",
          },
        ],
      }),
    },
  ],
});

const definition = $resolve({ ...stepArns, ApprovalsQueueUrl: approvals.url }).apply((values) =>
  JSON.stringify(
    renderSaga({
      ...(values as Record<FunctionName, string> & { ApprovalsQueueUrl: string }),
      ApprovalTimeoutSeconds: orderPolicy.approvalTimeoutSeconds,
      SagaTimeoutSeconds: orderPolicy.sagaTimeoutSeconds,
    } satisfies Partial<SagaSubstitutions>),
  ),
);

export const stateMachine = new aws.sfn.StateMachine("FulfillmentSagaStateMachine", {
  name: stateMachineName,
  type: "STANDARD",
  roleArn: role.arn,
  definition,
  loggingConfiguration: {
    logDestination: $interpolate`${logGroup.arn}:*`,
    includeExecutionData: true,
    level: "ERROR",
  },
  tracingConfiguration: { enabled: true },
});

const executions = stateMachine.arn.apply(
  (arn) => `${arn.replace(":stateMachine:", ":execution:")}:*`,
);

// Both links are the state machine's ARN (and name); what a function may do
// with it is the topology's grants: the admin API reads and stops executions,
// ApprovalCallbacks answers the approval task and reads an execution's history.
export const saga = new sst.Linkable("FulfillmentSaga", {
  properties: { arn: stateMachine.arn, name: stateMachine.name },
});

export const sagaCallbacks = new sst.Linkable("SagaCallbacks", {
  properties: { arn: stateMachine.arn },
});

offerGrantTargets({
  FulfillmentSaga: stateMachine.arn,
  "FulfillmentSaga/executions": executions,
  SagaCallbacks: stateMachine.arn,
  "SagaCallbacks/executions": executions,
});
