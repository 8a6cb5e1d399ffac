import { useParams } from "react-router";
import { Card } from "../../components/card";
import { JsonBlock } from "../../components/json-block";
import { PageHeader } from "../../components/page-header";
import { ErrorState, Loading } from "../../components/states";
import type { OrderDetail } from "../../lib/admin-types";
import { isApiError } from "../../lib/api-client";
import { useOrder } from "./api/get-order";
import { OrderHeader } from "./components/order-header";
import { OrderItemsCard } from "./components/order-items-card";
import { OrderLogsCard } from "./components/order-logs-card";
import { OrderSagaCard } from "./components/order-saga-card";
import { OrderStepsCard } from "./components/order-steps-card";
import { PaymentCard } from "./components/payment-card";
import { Timeline } from "./components/timeline";

export function OrderDetailPage() {
  const { orderId = "" } = useParams();
  const order = useOrder(orderId);
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) {
    return (
      <>
        <PageHeader title="Order" />
        <ErrorState
          error={order.error}
          title={isApiError(order.error, 404) ? "No such order" : "Could not load the order"}
          retry={() => order.refetch()}
        />
      </>
    );
  }
  return <OrderView detail={order.data} />;
}

function OrderView({ detail }: { detail: OrderDetail }) {
  const { order, timeline, ledger, payment } = detail;
  return (
    <>
      <OrderHeader order={order} />
      <div className="grid-2 grid-graph">
        <Card title="Timeline: every hop">
          <Timeline entries={timeline} />
        </Card>
        <OrderSagaCard executionArn={order.executionArn} />
      </div>
      <div className="grid-3">
        <OrderItemsCard order={order} />
        <PaymentCard payment={payment} ledger={ledger} />
        <OrderStepsCard order={order} />
      </div>
      <OrderLogsCard orderId={order.orderId} />
      <Card title="Raw records">
        <details>
          <summary>Order, payment and journal as stored</summary>
          <JsonBlock value={detail} label="Raw order record" />
        </details>
      </Card>
    </>
  );
}
