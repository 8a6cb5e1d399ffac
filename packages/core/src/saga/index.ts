export * from "./errors";
export * from "./steps";
