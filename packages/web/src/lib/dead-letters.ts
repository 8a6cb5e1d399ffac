import type { QueueDepth } from "./admin-types";

/**
 * The dead letters a DLQ holds: visible plus in flight. A DLQ has no consumer,
 * so an in-flight message is one being peeked or redriven right now, still a
 * dead letter until it is deleted. (The local SQS engine also keeps peeked
 * messages counted as in flight until the queue's next receive.)
 */
export const deadLetterCount = (queue: Pick<QueueDepth, "visible" | "inFlight">) =>
  queue.visible + queue.inFlight;
