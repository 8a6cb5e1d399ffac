export * from "./dynamodb-local";
