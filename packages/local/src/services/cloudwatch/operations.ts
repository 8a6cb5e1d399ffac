// CloudWatch on the shared protocol layer: AWS JSON 1.0 (query-compatible
// errors), query and Smithy RPC v2 CBOR all reach GetMetricData, which IAM
// authorises on `*` (it has no resource-level permissions).
import { AwsError, type AwsRequest, type AwsResponse, type AwsService } from "../../protocol";
import {
  handleCbor,
  handleJson,
  handleQuery,
  JSON_TARGET_PREFIX,
  type WireResponse,
} from "./protocol";
import type { CloudWatch } from "./service";

export function cloudWatchService(cloudWatch: () => CloudWatch | undefined): AwsService {
  const answer = (request: AwsRequest, out: WireResponse): AwsResponse => ({
    status: out.status,
    headers: {
      "content-type": out.contentType,
      "x-amzn-requestid": request.requestId,
      ...out.headers,
    },
    body: out.body,
  });
  // Each wire handler answers an operation it does not have in its own protocol.
  async function handle(request: AwsRequest) {
    const cw = cloudWatch();
    if (!cw) throw new AwsError("ServiceUnavailable", "CloudWatch is not running", 503);
    switch (request.protocol) {
      case "json":
        return answer(request, handleJson(cw, request.operation, request.body.toString("utf8")));
      case "cbor":
        return answer(request, handleCbor(cw, request.operation, request.body));
      default:
        return answer(
          request,
          handleQuery(cw, (request.input ?? {}) as Record<string, string>, request.requestId),
        );
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
