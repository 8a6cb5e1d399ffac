// Customer notifications: the rules (./rules.ts), the notifier's use case
// (./notify-customer.ts), the order-side record (./repository.ts, DynamoDB),
// the provider's HTTP client (./http-provider.ts) and the sandbox provider
// behind it (./sandbox.ts, its own ledger table).

export * from "./http-provider";
export * from "./notify-customer";
export * from "./repository";
export * from "./rules";
export * from "./sandbox";
export * from "./schema";
