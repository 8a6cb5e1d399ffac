import { releaseInventory } from "@orders/core/inventory";
import { documents } from "../lib/clients";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// Compensation: give a held reservation back (a no-op when there is none).
export const handler = sagaStep("release-inventory", (input) =>
  releaseInventory(
    {
      doc: documents,
      inventoryTable: Resource.InventoryTable.name,
      ordersTable: Resource.OrdersTable.name,
    },
    input,
  ),
);
