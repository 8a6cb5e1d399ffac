export * from "./compensate";
export * from "./errors";
export * from "./steps";
