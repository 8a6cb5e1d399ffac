export * from "./circuit-breaker";
export * from "./http-provider";
export * from "./payments";
export * from "./provider";
export * from "./repository";
export * from "./sandbox";
export * from "./schema";
export * from "./test-cards";
