// Local Amazon EventBridge: API, pattern matcher, durable delivery, archives and replay.

export { createAwsDeliverer } from "./aws-deliverer";
export { createEventBridgeListener, TARGET_PREFIX } from "./http";
export { compilePattern, InvalidEventPatternError, parsePattern } from "./pattern";
export { createEventBridge } from "./service";
export type { EventBridge, EventBridgeOptions, TargetDeliverer } from "./types";
