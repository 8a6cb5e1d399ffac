// zod schemas of the Pipes API's input, with the constraints of the API
// reference (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/);
// `parseInput` turns the first failure into AWS's ValidationException.
import { z } from "zod";
import { validationError } from "./errors";

export const pipeName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[.\-_A-Za-z0-9]+$/);
const arn = z.string().min(1).max(1600);
const roleArn = z
  .string()
  .min(1)
  .max(1600)
  .regex(/^arn:(aws[a-zA-Z0-9-]*):iam::\d{12}:role\/?[a-zA-Z0-9+=,.@\-_/]+$/);
const description = z.string().max(512);
const template = z.string().max(8192);
const deadLetter = z.object({ Arn: arn.optional() });
const filterCriteria = z.object({
  Filters: z
    .array(z.object({ Pattern: z.string().max(4096).optional() }))
    .max(5)
    .optional(),
});
const batchingWindow = z.number().int().min(0).max(300);

const dynamoDbStreamUpdate = {
  BatchSize: z.number().int().min(1).max(10000).optional(),
  DeadLetterConfig: deadLetter.optional(),
  OnPartialBatchItemFailure: z.enum(["AUTOMATIC_BISECT"]).optional(),
  MaximumBatchingWindowInSeconds: batchingWindow.optional(),
  MaximumRecordAgeInSeconds: z
    .number()
    .int()
    .refine((n) => n === -1 || (n >= 60 && n <= 604800), "must be -1 or between 60 and 604800")
    .optional(),
  MaximumRetryAttempts: z.number().int().min(-1).max(10000).optional(),
  ParallelizationFactor: z.number().int().min(1).max(10).optional(),
};
const sqsSource = z.object({
  BatchSize: z.number().int().min(1).max(10000).optional(),
  MaximumBatchingWindowInSeconds: batchingWindow.optional(),
});
const invocationType = z.enum(["REQUEST_RESPONSE", "FIRE_AND_FORGET"]);

export const SourceParameters = z.looseObject({
  FilterCriteria: filterCriteria.optional(),
  DynamoDBStreamParameters: z
    .object({ ...dynamoDbStreamUpdate, StartingPosition: z.enum(["TRIM_HORIZON", "LATEST"]) })
    .optional(),
  SqsQueueParameters: sqsSource.optional(),
});

/** UpdatePipe cannot change where a stream starts (UpdatePipeSourceParameters). */
export const UpdateSourceParameters = z.looseObject({
  FilterCriteria: filterCriteria.optional(),
  DynamoDBStreamParameters: z.object(dynamoDbStreamUpdate).optional(),
  SqsQueueParameters: sqsSource.optional(),
});

export const EnrichmentParameters = z.looseObject({ InputTemplate: template.optional() });

export const TargetParameters = z.looseObject({
  InputTemplate: template.optional(),
  LambdaFunctionParameters: z.object({ InvocationType: invocationType.optional() }).optional(),
  StepFunctionStateMachineParameters: z
    .object({ InvocationType: invocationType.optional() })
    .optional(),
  SqsQueueParameters: z
    .object({
      MessageGroupId: z.string().optional(),
      MessageDeduplicationId: z.string().optional(),
    })
    .optional(),
  EventBridgeEventBusParameters: z
    .object({
      EndpointId: z.string().optional(),
      DetailType: z.string().max(128).optional(),
      Source: z.string().max(256).optional(),
      Resources: z.array(arn).max(10).optional(),
      Time: z.string().optional(),
    })
    .optional(),
});

const common = {
  Description: description.optional(),
  DesiredState: z.enum(["RUNNING", "STOPPED"]).optional(),
  Enrichment: z.string().max(1600).optional(),
  EnrichmentParameters: EnrichmentParameters.optional(),
  Target: arn,
  TargetParameters: TargetParameters.optional(),
  RoleArn: roleArn,
  LogConfiguration: z.unknown().optional(),
  KmsKeyIdentifier: z.string().max(2048).optional(),
};

export const CreatePipe = z.object({
  ...common,
  Source: arn,
  SourceParameters: SourceParameters.optional(),
  Tags: z.record(z.string(), z.string()).optional(),
});

export const UpdatePipe = z.object({
  ...common,
  Target: arn.optional(),
  SourceParameters: UpdateSourceParameters.optional(),
});

const states = z.enum([
  "RUNNING",
  "STOPPED",
  "CREATING",
  "UPDATING",
  "DELETING",
  "STARTING",
  "STOPPING",
  "CREATE_FAILED",
  "UPDATE_FAILED",
  "START_FAILED",
  "STOP_FAILED",
  "DELETE_FAILED",
  "CREATE_ROLLBACK_FAILED",
  "DELETE_ROLLBACK_FAILED",
  "UPDATE_ROLLBACK_FAILED",
]);

export const ListPipes = z.object({
  NamePrefix: z.string().min(1).max(64).optional(),
  DesiredState: z.enum(["RUNNING", "STOPPED"]).optional(),
  CurrentState: states.optional(),
  SourcePrefix: z.string().min(1).max(300).optional(),
  TargetPrefix: z.string().min(1).max(300).optional(),
  NextToken: z.string().min(1).max(2048).optional(),
  Limit: z.coerce.number().int().min(1).max(100).optional(),
});

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const out = schema.safeParse(input);
  if (out.success) return out.data;
  const issue = out.error.issues[0]!;
  const field = issue.path.join(".") || "request";
  throw validationError(
    `1 validation error detected: Value at '${field}' failed: ${issue.message}`,
  );
}
