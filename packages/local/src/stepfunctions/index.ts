// Local AWS Step Functions (Standard): API, durable runner, service integrations.
export { createStepFunctions } from "./step-functions";
export { createStepFunctionsListener } from "./http";
export type { ServiceIntegrations, StepFunctions, StepFunctionsOptions } from "./types";
