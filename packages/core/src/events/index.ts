export * from "./build";
export * from "./contracts";
export * from "./outbox";
export * from "./publisher";
export * from "./sns";
