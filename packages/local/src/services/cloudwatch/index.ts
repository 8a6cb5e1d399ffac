// Local Amazon CloudWatch: GetMetricData over the queues' depth, on the JSON, CBOR and query protocols.

export { cloudWatchService } from "./operations";
export { type CloudWatch, createCloudWatch, type QueueSnapshot } from "./service";
