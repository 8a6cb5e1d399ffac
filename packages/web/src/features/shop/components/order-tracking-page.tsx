import { Link, useLocation, useParams } from "react-router";
import { Card } from "../../../components/card";
import { PageHeader } from "../../../components/page-header";
import { ErrorState, Loading } from "../../../components/states";
import { StatusBadge } from "../../../components/status-badge";
import { isApiError } from "../../../lib/api-client";
import { dateTime, money, time } from "../../../lib/format";
import { useOrderStatus } from "../api/get-order-status";
import { terminal } from "../api/types";

const steps = ["ACCEPTED", "PROCESSING", "AWAITING_APPROVAL", "APPROVED", "FULFILLED"];

export function OrderTrackingPage() {
  const { orderId = "" } = useParams();
  const location = useLocation();
  const order = useOrderStatus(orderId);
  const justPlaced = (location.state as { accepted?: boolean } | null)?.accepted;

  if (order.isPending) return <Loading label="Loading your order…" />;
  if (order.isError) {
    return (
      <>
        <PageHeader title="Order" />
        <ErrorState
          error={order.error}
          title={
            isApiError(order.error, 404)
              ? "No such order (or it is not yours)"
              : "Could not load the order"
          }
          retry={isApiError(order.error, 404) ? undefined : () => order.refetch()}
        />
        <p>
          <Link to="/shop">Back to the shop</Link>
        </p>
      </>
    );
  }
  const o = order.data;
  const visible = steps.filter((s) => o.flagged || (s !== "AWAITING_APPROVAL" && s !== "APPROVED"));
  const reached = new Set<string>(o.timeline.map((e) => e.kind));
  const statusIndex = visible.indexOf(o.status);
  return (
    <>
      <PageHeader
        title={`Order ${o.orderId.slice(0, 12)}…`}
        description={
          <>
            Placed {dateTime(o.createdAt)} · {money(o.totalCents, o.currency)}
          </>
        }
        actions={<StatusBadge status={o.status} />}
      />
      {justPlaced ? (
        <p className="note note-ok" role="status">
          Your order was accepted. This page follows it live.
        </p>
      ) : null}
      <Card title="Progress">
        <ol className="stepper" aria-label="Order progress">
          {visible.map((step, i) => {
            const done = o.status === "CANCELLED" ? reached.has(step) : i <= statusIndex;
            return (
              <li
                key={step}
                className={done ? "step-done" : ""}
                aria-current={o.status === step ? "step" : undefined}
              >
                {step.replace(/_/g, " ").toLowerCase()}
              </li>
            );
          })}
          {o.status === "CANCELLED" ? (
            <li className="step-cancelled" aria-current="step">
              cancelled
            </li>
          ) : null}
        </ol>
        {!terminal(o.status) ? (
          <p className="muted live" role="status">
            <span className="pulse" aria-hidden="true" /> Updating live…
          </p>
        ) : null}
        {o.cancellation ? (
          <p className="note note-bad">
            Cancelled: {o.cancellation.error}
            {o.cancellation.cause ? ` (${o.cancellation.cause})` : ""}
          </p>
        ) : null}
      </Card>
      <div className="grid-2">
        <Card title="Timeline">
          <ol className="timeline" aria-live="polite">
            {o.timeline.map((e) => (
              <li
                key={`${e.at}-${e.kind}-${e.actor}-${e.message}`}
                className={`tl-${e.kind.toLowerCase()}`}
              >
                <time dateTime={e.at}>{time(e.at)}</time>
                <span className="tl-kind">{e.kind.replace(/_/g, " ").toLowerCase()}</span>
                <span>{e.message}</span>
              </li>
            ))}
          </ol>
        </Card>
        <Card title="Items">
          <table className="table">
            <caption className="sr-only">Items in this order</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col" className="num">
                  Qty
                </th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((l) => (
                <tr key={l.sku}>
                  <td>{l.name}</td>
                  <td className="num">{l.quantity}</td>
                  <td className="num">{money(l.lineTotalCents, o.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      </div>
      <p>
        <Link to="/shop">Back to the shop</Link>
      </p>
    </>
  );
}
