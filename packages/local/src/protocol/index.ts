// The local cloud's AWS protocol layer: one dispatcher for every wire format,
// one error model, ARNs, pagination tokens, the SQLite store base, and the
// middleware slot where faults, logging and IAM wrap every request.

export * from "./arns";
export * from "./cbor";
export * from "./credentials";
export { createDispatcher, type Dispatcher, type RawRequest } from "./dispatcher";
export * from "./errors";
export * from "./json-service";
export * from "./listener";
export * from "./middleware";
export * from "./pagination";
export * from "./retry";
export * from "./sqlite";
export type * from "./types";
export * from "./wire";
