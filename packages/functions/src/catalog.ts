import { listCatalog } from "@orders/core/inventory";
import type { Context } from "aws-lambda";
import { documents } from "./lib/clients";
import { errorResult, type HttpEvent, type HttpResult, header, json } from "./lib/http";
import { instrumented, startInvocation } from "./lib/observability";
import { Resource } from "./lib/resource";

// GET /api/catalog: every SKU with its price and live availability.
export const handler = async (event: HttpEvent, context?: Context): Promise<HttpResult> => {
  startInvocation(context, header(event, "x-correlation-id") ?? event.requestContext?.requestId);
  return instrumented(async () => {
    try {
      const items = await listCatalog({
        doc: documents,
        inventoryTable: Resource.InventoryTable.name,
      });
      return json(200, { items });
    } catch (error) {
      return errorResult(error);
    }
  });
};
