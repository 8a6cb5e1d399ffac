export * from "./catalog";
export * from "./repository";
export * from "./schema";
