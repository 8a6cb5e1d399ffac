export * from "./build";
export * from "./contracts";
export * from "./publisher";
