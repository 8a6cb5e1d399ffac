// Step Functions' operations on the shared protocol layer, each with the IAM
// action and resources AWS authorises it on.
import {
  type Authorize,
  type AwsService,
  jsonService,
  machineOfExecution,
  type Scope,
  stateMachineArn,
} from "../../protocol";
import type { StepFunctions } from "./types";

const str = (v: unknown) => (typeof v === "string" && v ? v : "*");

export function stepFunctionsService(
  sfn: () =>
    | (Pick<StepFunctions, "handle"> & Partial<Pick<StepFunctions, "executionOfTaskToken">>)
    | undefined,
  scope: Scope,
): AwsService {
  const on =
    (operation: string, resource: (input: Record<string, unknown>) => string): Authorize =>
    (r) => ({ action: `states:${operation}`, resources: [resource(r.input ?? {})] });
  const machine = (i: Record<string, unknown>) => str(i.stateMachineArn);
  const execution = (i: Record<string, unknown>) => str(i.executionArn);
  // A callback is authorised on the state machine whose execution issued the token.
  const ofToken = (i: Record<string, unknown>) => {
    const exec =
      typeof i.taskToken === "string" ? sfn()?.executionOfTaskToken?.(i.taskToken) : undefined;
    return (exec && machineOfExecution(exec)) ?? "*";
  };
  const ops: Record<string, (i: Record<string, unknown>) => string> = {
    CreateStateMachine: (i) => (typeof i.name === "string" ? stateMachineArn(scope, i.name) : "*"),
    DescribeStateMachine: machine,
    ListStateMachines: () => "*",
    ValidateStateMachineDefinition: () => "*",
    UpdateStateMachine: machine,
    DeleteStateMachine: machine,
    StartExecution: machine,
    ListExecutions: machine,
    DescribeExecution: execution,
    DescribeStateMachineForExecution: execution,
    GetExecutionHistory: execution,
    StopExecution: execution,
    SendTaskSuccess: ofToken,
    SendTaskFailure: ofToken,
    SendTaskHeartbeat: ofToken,
  };
  return jsonService({
    name: "states",
    target: "AWSStepFunctions",
    version: "1.0",
    operations: Object.fromEntries(Object.entries(ops).map(([op, res]) => [op, on(op, res)])),
    api: sfn,
  });
}
