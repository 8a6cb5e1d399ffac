import { useId, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Card } from "../../components/card";
import { PageHeader } from "../../components/page-header";
import { Empty, ErrorState, Loading } from "../../components/states";
import { StatusBadge } from "../../components/status-badge";
import { dateTime, money, shortId } from "../../lib/format";
import { type OrderSearch, useOrders } from "./api/list-orders";

const statuses = [
  "ACCEPTED",
  "PROCESSING",
  "AWAITING_APPROVAL",
  "APPROVED",
  "FULFILLED",
  "CANCELLED",
];
const byLabels: Record<OrderSearch["by"], string> = {
  status: "Status",
  customerId: "Customer id",
  correlationId: "Correlation id",
};

export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const by = (params.get("by") as OrderSearch["by"]) ?? "status";
  const search: OrderSearch = {
    by,
    value: params.get("q") ?? (by === "status" ? "ACCEPTED" : ""),
    ...(params.get("from") ? { from: params.get("from")! } : {}),
    ...(params.get("to") ? { to: params.get("to")! } : {}),
  };
  const orders = useOrders(search);
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  const [draft, setDraft] = useState(search);
  const ids = { by: useId(), q: useId(), from: useId(), to: useId() };

  const apply = (next: OrderSearch) => {
    const p: Record<string, string> = { by: next.by, q: next.value };
    if (next.from) p.from = next.from;
    if (next.to) p.to = next.to;
    setParams(p);
  };

  return (
    <>
      <PageHeader
        title="Orders"
        description="Search one index at a time: by status, by customer, or by correlation id."
      />
      <Card>
        <search>
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              apply(draft);
            }}
          >
            <div className="field">
              <label htmlFor={ids.by}>Find by</label>
              <select
                id={ids.by}
                value={draft.by}
                onChange={(e) => {
                  const nextBy = e.target.value as OrderSearch["by"];
                  setDraft({ ...draft, by: nextBy, value: nextBy === "status" ? "ACCEPTED" : "" });
                }}
              >
                {Object.entries(byLabels).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field-grow">
              <label htmlFor={ids.q}>{byLabels[draft.by]}</label>
              {draft.by === "status" ? (
                <select
                  id={ids.q}
                  value={draft.value}
                  onChange={(e) => {
                    const next = { ...draft, value: e.target.value };
                    setDraft(next);
                    apply(next);
                  }}
                >
                  {statuses.map((s) => (
                    <option key={s} value={s}>
                      {s.replace(/_/g, " ").toLowerCase()}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={ids.q}
                  value={draft.value}
                  onChange={(e) => setDraft({ ...draft, value: e.target.value.trim() })}
                  required
                  placeholder={
                    draft.by === "customerId" ? "the customer's sub" : "x-correlation-id"
                  }
                />
              )}
            </div>
            {draft.by !== "correlationId" ? (
              <>
                <div className="field">
                  <label htmlFor={ids.from}>From</label>
                  <input
                    id={ids.from}
                    type="date"
                    value={draft.from?.slice(0, 10) ?? ""}
                    onChange={(e) =>
                      setDraft({
                        ...draft,
                        from: e.target.value ? `${e.target.value}T00:00:00.000Z` : undefined,
                      } as OrderSearch)
                    }
                  />
                </div>
                <div className="field">
                  <label htmlFor={ids.to}>To</label>
                  <input
                    id={ids.to}
                    type="date"
                    value={draft.to?.slice(0, 10) ?? ""}
                    onChange={(e) =>
                      setDraft({
                        ...draft,
                        to: e.target.value ? `${e.target.value}T23:59:59.999Z` : undefined,
                      } as OrderSearch)
                    }
                  />
                </div>
              </>
            ) : null}
            <button type="submit" className="btn btn-primary">
              Search
            </button>
          </form>
        </search>
      </Card>
      <Card>
        {search.value === "" ? (
          <Empty title="Enter what to look for" />
        ) : orders.isPending ? (
          <Loading label="Searching…" />
        ) : orders.isError ? (
          <ErrorState error={orders.error} retry={() => orders.refetch()} />
        ) : items.length === 0 ? (
          <Empty title="No orders match">Try another status or widen the dates.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <caption className="sr-only">Orders</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Status</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  {/* The column the index is sorted and filtered by, newest first. */}
                  <th scope="col">{search.by === "status" ? "In this status since" : "Placed"}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((o) => (
                  <tr key={o.orderId}>
                    <td>
                      <Link to={`/ops/orders/${o.orderId}`}>{shortId(o.orderId)}</Link>
                      {o.flagged ? <span className="badge badge-warn">flagged</span> : null}
                    </td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td className="truncate">{o.customerId}</td>
                    <td className="num">{money(o.totalCents, o.currency)}</td>
                    <td>{dateTime(search.by === "status" ? o.statusChangedAt : o.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {orders.hasNextPage ? (
          <button
            type="button"
            className="btn"
            onClick={() => orders.fetchNextPage()}
            disabled={orders.isFetchingNextPage}
          >
            {orders.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </Card>
    </>
  );
}
