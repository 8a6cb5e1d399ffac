export * from "./dynamodb-local";
export * from "./order-record";
