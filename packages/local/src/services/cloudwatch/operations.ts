// CloudWatch on the shared protocol layer: AWS JSON 1.0 (query-compatible
// errors), query and Smithy RPC v2 CBOR all reach GetMetricData, which IAM
// authorises on `*` (it has no resource-level permissions).
import { AwsError, type AwsRequest, type AwsService } from "../../protocol";
import { handleCbor, handleJson, handleQuery, JSON_TARGET_PREFIX } from "./protocol";
import type { CloudWatch } from "./service";

export function cloudWatchService(cloudWatch: () => CloudWatch | undefined): AwsService {
  // Each wire handler answers an operation it does not have in its own protocol.
  async function handle(request: AwsRequest) {
    const cw = cloudWatch();
    if (!cw) throw new AwsError("ServiceUnavailable", "CloudWatch is not running", 503);
    switch (request.protocol) {
      case "json":
        return handleJson(cw, request);
      case "cbor":
        return handleCbor(cw, request);
      default:
        return handleQuery(cw, request);
    }
  }
  return {
    name: "cloudwatch",
    routes: {
      targets: [JSON_TARGET_PREFIX],
      query: { signingNames: ["monitoring"], actions: new Set(["GetMetricData"]) },
      cbor: [JSON_TARGET_PREFIX],
    },
    operations: {
      GetMetricData: () => ({ action: "cloudwatch:GetMetricData", resources: ["*"] }),
    },
    handle,
    unknownOperation: handle,
  };
}
