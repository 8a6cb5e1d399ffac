export * from "./alarms";
export type { LinkProperties, QueueLink, ResourceLinks } from "./links";
export * from "./permissions";
export * from "./pipes";
export * from "./resources";
export * from "./saga";
