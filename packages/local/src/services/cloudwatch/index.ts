// Local Amazon CloudWatch: GetMetricData over the queues' depth, on the JSON, CBOR and query protocols.

export * as cloudWatchWire from "./protocol";
export { type CloudWatch, createCloudWatch, type QueueSnapshot } from "./service";
