// Local Amazon EventBridge: API, pattern matcher, durable delivery, archives and replay.

export { createAwsDeliverer } from "./aws-deliverer";
export { eventBridgeService } from "./operations";
export { compilePattern, InvalidEventPatternError, parsePattern } from "./pattern";
export { createEventBridge } from "./service";
export type { DeliverySource, EventBridge, EventBridgeOptions, TargetDeliverer } from "./types";
