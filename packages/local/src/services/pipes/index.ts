// Local Amazon EventBridge Pipes: the API, durable pipes and checkpoints, and
// the pipes themselves (DynamoDB stream and SQS sources, filters, a Lambda
// enrichment, bus / SQS / Step Functions / Lambda targets).

export { type AwsPipeIoOptions, createAwsPipeIo } from "./aws-io";
export { pipesService } from "./operations";
export { createPipes, pipeArn } from "./service";
export type { CompilePattern, Credentials, PipeIo, Pipes, PipesOptions } from "./types";
