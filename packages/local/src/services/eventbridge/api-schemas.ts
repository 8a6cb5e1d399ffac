// zod schemas for API input, with AWS's constraints; `parseInput` turns the first failure into
// AWS's ValidationException wording.
import { z } from "zod";
import { validationError } from "./errors";

const NAME = /^[.\-_A-Za-z0-9]+$/;
const BUS_NAME_OR_ARN =
  /^(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;

export const ruleName = z.string().min(1).max(64).regex(NAME);
export const busNameOrArn = z.string().min(1).max(1600).regex(BUS_NAME_OR_ARN);
const arn = z.string().min(1).max(1600);
const description = z.string().max(512);
/** JSON 1.1 timestamps are epoch seconds; accept ISO text too (hand-written requests). */
export const timestamp = z.union([
  z.number(),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)))
    .transform((s) => Date.parse(s) / 1000),
]);
const limit = z.number().int().min(1).max(100).optional();
const nextToken = z.string().min(1).max(2048).optional();

export const CreateEventBus = z.object({
  Name: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[/.\-_A-Za-z0-9]+$/),
  EventSourceName: z.string().optional(),
  Description: description.optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
});

export const BusRef = z.object({ Name: busNameOrArn.optional() });

export const ListEventBuses = z.object({
  NamePrefix: z.string().min(1).max(256).optional(),
  Limit: limit,
  NextToken: nextToken,
});

export const PutRule = z.object({
  Name: ruleName,
  EventPattern: z.string().max(4096).optional(),
  ScheduleExpression: z.string().max(256).optional(),
  State: z
    .enum(["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"])
    .optional(),
  Description: description.optional(),
  RoleArn: arn.optional(),
  EventBusName: busNameOrArn.optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
});

export const RuleRef = z.object({
  Name: ruleName,
  EventBusName: busNameOrArn.optional(),
  Force: z.boolean().optional(),
});

export const ListRules = z.object({
  NamePrefix: z.string().min(1).max(64).optional(),
  EventBusName: busNameOrArn.optional(),
  Limit: limit,
  NextToken: nextToken,
});

const targetSchema = z.looseObject({
  Id: z.string().min(1).max(64).regex(NAME),
  Arn: arn,
  RoleArn: arn.optional(),
  Input: z.string().max(8192).optional(),
  InputPath: z.string().max(256).optional(),
  InputTransformer: z
    .object({
      InputPathsMap: z.record(z.string().max(256), z.string().max(256)).optional(),
      InputTemplate: z.string().min(1).max(8192),
    })
    .optional(),
  RetryPolicy: z
    .object({
      MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
      MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
    })
    .optional(),
  DeadLetterConfig: z.object({ Arn: arn.optional() }).optional(),
});

export const PutTargets = z.object({
  Rule: ruleName,
  EventBusName: busNameOrArn.optional(),
  Targets: z.array(targetSchema).min(1).max(100),
});

export const RemoveTargets = z.object({
  Rule: ruleName,
  EventBusName: busNameOrArn.optional(),
  Ids: z.array(z.string().min(1).max(64).regex(NAME)).min(1).max(100),
  Force: z.boolean().optional(),
});

export const ListTargetsByRule = z.object({
  Rule: ruleName,
  EventBusName: busNameOrArn.optional(),
  Limit: limit,
  NextToken: nextToken,
});

export const PutEvents = z.object({
  Entries: z.array(z.record(z.string(), z.unknown())).min(1),
  EndpointId: z.string().optional(),
});

export const TestEventPattern = z.object({
  EventPattern: z.string().min(1).max(4096),
  Event: z.string().min(1),
});

const archiveName = z.string().min(1).max(48).regex(NAME);

export const CreateArchive = z.object({
  ArchiveName: archiveName,
  EventSourceArn: arn,
  Description: description.optional(),
  EventPattern: z.string().max(4096).optional(),
  RetentionDays: z.number().int().min(0).optional(),
  KmsKeyIdentifier: z.string().optional(),
});

export const ArchiveRef = z.object({ ArchiveName: archiveName });

export const ListArchives = z.object({
  NamePrefix: z.string().min(1).max(48).optional(),
  EventSourceArn: arn.optional(),
  State: z.string().optional(),
  Limit: limit,
  NextToken: nextToken,
});

const replayName = z.string().min(1).max(64).regex(NAME);

export const StartReplay = z.object({
  ReplayName: replayName,
  Description: description.optional(),
  EventSourceArn: arn,
  EventStartTime: timestamp,
  EventEndTime: timestamp,
  Destination: z.object({ Arn: arn, FilterArns: z.array(arn).optional() }),
});

export const ReplayRef = z.object({ ReplayName: replayName });

export const ListReplays = z.object({
  NamePrefix: z.string().min(1).max(64).optional(),
  State: z.string().optional(),
  EventSourceArn: arn.optional(),
  Limit: limit,
  NextToken: nextToken,
});

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0]!;
  const at = first.path.map((p) => (typeof p === "number" ? String(p + 1) : lowerFirst(String(p))));
  throw validationError(
    `${issues.length} validation error${issues.length > 1 ? "s" : ""} detected: Value at '${at.join(".")}' failed to satisfy constraint: ${first.message}`,
  );
}
