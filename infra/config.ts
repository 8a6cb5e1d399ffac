import { orderPolicy } from "../packages/core/src/topology";

// Business settings handlers read as `Resource.OrderPolicy`, from the topology.
// The approval timeout is not here: the saga enforces it (TimeoutSeconds).
export const policy = new sst.Linkable("OrderPolicy", {
  properties: {
    approvalThresholdCents: orderPolicy.approvalThresholdCents,
    maxLinesPerOrder: orderPolicy.maxLinesPerOrder,
    maxQuantityPerLine: orderPolicy.maxQuantityPerLine,
  },
});
