import { reserveInventory } from "@orders/core/inventory";
import { documents } from "../lib/clients";
import { Resource } from "../lib/resource";
import { sagaStep } from "../lib/saga-step";

// All lines in one transaction; OutOfStock sends the saga to compensation.
export const handler = sagaStep("reserve-inventory", async (input) => {
  const reservation = await reserveInventory(
    {
      doc: documents,
      inventoryTable: Resource.InventoryTable.name,
      ordersTable: Resource.OrdersTable.name,
    },
    input,
  );
  return { reservationId: reservation.reservationId };
});
