// Local AWS Step Functions (Standard): API, durable runner, service integrations.

export { createAwsIntegrations } from "./aws-integrations";
export { createStepFunctionsListener } from "./http";
export { createStepFunctions } from "./step-functions";
export type { ServiceIntegrations, StepFunctions, StepFunctionsOptions } from "./types";
