// The admin API's response shapes, straight from the schemas that validate
// them and generate its OpenAPI document (types only: nothing is bundled).
export type {
  ApprovalView,
  DeadLetter,
  ExecutionCounts,
  ExecutionDetail,
  ExecutionSummary,
  JournalEntryView,
  LogLine,
  OrderDetail,
  OrderSummary,
  QueueDepth,
  RedriveResult,
  ReplaySummary,
  StateRun,
} from "@orders/functions/admin/schemas";
