// Manual approval (seed §7.4): the rules (./rules.ts, plain functions over
// data), the use cases (./decide-approval.ts for the approvals worker and the
// admin API, ./delivery.ts for the ApprovalCallbacks function), and their
// adapters: ./repository.ts (DynamoDB, the order's META item) and
// ./callbacks.ts (Step Functions task tokens and execution history).

export * from "./decide-approval";
export * from "./delivery";
export * from "./repository";
export * from "./rules";
export * from "./schema";
