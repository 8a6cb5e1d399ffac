// Local AWS Step Functions (Standard): API, durable runner, service integrations.

export { createAwsIntegrations } from "./aws-integrations";
export { stepFunctionsService } from "./operations";
export { createStepFunctions } from "./step-functions";
export type {
  ServiceIntegrations,
  StepFunctions,
  StepFunctionsOptions,
  TaskCaller,
} from "./types";
