import { Card } from "../../../components/card";
import type { OrderDetail } from "../../../lib/admin-types";
import { money } from "../../../lib/format";

export function OrderItemsCard({ order }: { order: OrderDetail["order"] }) {
  return (
    <Card title="Items">
      <ul className="cart-lines">
        {order.lines.map((l) => (
          <li key={l.sku}>
            <span>
              {l.quantity} × {l.name} <code className="small">{l.sku}</code>
            </span>
            <span className="num">{money(l.lineTotalCents, order.currency)}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
