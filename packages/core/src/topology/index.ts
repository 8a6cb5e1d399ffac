export * from "./alarms";
export type { LinkProperties, QueueLink, ResourceLinks } from "./links";
export * from "./resources";
export * from "./saga";
