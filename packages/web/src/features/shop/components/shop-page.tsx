import { useId, useState } from "react";
import { Link, useNavigate } from "react-router";
import { Card } from "../../../components/card";
import { PageHeader } from "../../../components/page-header";
import { Empty, ErrorState, Loading } from "../../../components/states";
import { isApiError } from "../../../lib/api-client";
import { useAuth } from "../../../lib/auth";
import { money, shortId } from "../../../lib/format";
import { useCatalog } from "../api/get-catalog";
import { useSubmitOrder } from "../api/submit-order";
import type { CatalogEntry } from "../api/types";
import { recentOrders, rememberOrder } from "./recent-orders";

const testCards = [
  { token: "tok_approve", label: "Approves (tok_approve)" },
  { token: "tok_decline", label: "Declines (tok_decline)" },
  { token: "tok_insufficient_funds", label: "Insufficient funds" },
  { token: "tok_transient", label: "Provider flaky, then approves (tok_transient)" },
  { token: "tok_slow", label: "Slow provider, 3 s (tok_slow)" },
];

type Cart = Record<string, number>;

export function ShopPage() {
  const catalog = useCatalog();
  const submit = useSubmitOrder();
  const navigate = useNavigate();
  const { session } = useAuth();
  const [cart, setCart] = useState<Cart>({});
  const [card, setCard] = useState("tok_approve");
  // One Idempotency-Key per submission attempt; editing the cart starts a new attempt.
  const [attemptKey, setAttemptKey] = useState<string | null>(null);
  const cardId = useId();

  const items = catalog.data?.items ?? [];
  const bySku = new Map(items.map((i) => [i.sku, i]));
  const lines = Object.entries(cart).filter(([, q]) => q > 0);
  const total = lines.reduce((sum, [sku, q]) => sum + (bySku.get(sku)?.priceCents ?? 0) * q, 0);

  const change = (sku: string, quantity: number) => {
    setAttemptKey(null);
    submit.reset();
    setCart((c) => ({ ...c, [sku]: Math.max(0, Math.min(100, quantity)) }));
  };

  const placeOrder = () => {
    const key = attemptKey ?? crypto.randomUUID();
    setAttemptKey(key);
    submit.mutate(
      {
        idempotencyKey: key,
        body: {
          lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
          currency: "USD",
          payment: { card },
        },
      },
      {
        onSuccess: (accepted) => {
          if (session) rememberOrder(session.sub, accepted.orderId);
          setCart({});
          setAttemptKey(null);
          navigate(`/shop/orders/${accepted.orderId}`, { state: { accepted: true } });
        },
      },
    );
  };

  const recent = session ? recentOrders(session.sub) : [];

  return (
    <>
      <PageHeader
        title="Shop"
        description="Pick a few things, choose a sandbox test card, and follow your order to the door."
      />
      <div className="shop">
        <Card title="Catalogue" className="shop-catalogue">
          {catalog.isPending ? (
            <Loading label="Loading the catalogue…" />
          ) : catalog.isError ? (
            <ErrorState
              error={catalog.error}
              retry={() => catalog.refetch()}
              title="The catalogue is unavailable"
            />
          ) : items.length === 0 ? (
            <Empty title="Nothing for sale yet">
              The catalogue is empty; the local cloud seeds it on first start.
            </Empty>
          ) : (
            <ul className="product-grid">
              {items.map((item) => (
                <Product
                  key={item.sku}
                  item={item}
                  quantity={cart[item.sku] ?? 0}
                  onChange={change}
                />
              ))}
            </ul>
          )}
        </Card>

        <Card title="Your cart" className="shop-cart">
          {lines.length === 0 ? (
            <Empty title="Your cart is empty">Add something from the catalogue.</Empty>
          ) : (
            <>
              <ul className="cart-lines">
                {lines.map(([sku, q]) => {
                  const item = bySku.get(sku);
                  return (
                    <li key={sku}>
                      <span>
                        {q} × {item?.name ?? sku}
                      </span>
                      <span className="num">{money((item?.priceCents ?? 0) * q)}</span>
                      <button
                        type="button"
                        className="btn btn-small btn-ghost"
                        onClick={() => change(sku, 0)}
                        aria-label={`Remove ${item?.name ?? sku}`}
                      >
                        Remove
                      </button>
                    </li>
                  );
                })}
              </ul>
              <p className="cart-total">
                <span>Total</span> <strong className="num">{money(total)}</strong>
              </p>
              {total > 100_000 || lines.some(([sku]) => bySku.get(sku)?.reviewRequired) ? (
                <p className="note note-warn">
                  This order will wait for an operator's approval before it is charged.
                </p>
              ) : null}
            </>
          )}
          <label htmlFor={cardId}>Payment (sandbox test card)</label>
          <select id={cardId} value={card} onChange={(e) => setCard(e.target.value)}>
            {testCards.map((c) => (
              <option key={c.token} value={c.token}>
                {c.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-primary btn-block"
            disabled={lines.length === 0 || submit.isPending}
            onClick={placeOrder}
          >
            {submit.isPending ? "Placing your order…" : "Place order"}
          </button>
          {submit.isError ? (
            <ErrorState
              error={submit.error}
              title={
                isApiError(submit.error) && submit.error.status < 500
                  ? "The order was refused"
                  : "The order could not be sent"
              }
              retry={
                isApiError(submit.error) && submit.error.status > 0 && submit.error.status < 500
                  ? undefined
                  : placeOrder
              }
            />
          ) : null}
        </Card>

        {recent.length > 0 ? (
          <Card title="Your recent orders" className="shop-recent">
            <ul className="link-list">
              {recent.map((id) => (
                <li key={id}>
                  <Link to={`/shop/orders/${id}`}>{shortId(id)}</Link>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </div>
    </>
  );
}

function Product({
  item,
  quantity,
  onChange,
}: {
  item: CatalogEntry;
  quantity: number;
  onChange: (sku: string, q: number) => void;
}) {
  const qtyId = useId();
  const soldOut = item.available <= 0;
  return (
    <li className="product">
      <div className="product-head">
        <h3>{item.name}</h3>
        <span className="num product-price">{money(item.priceCents, item.currency)}</span>
      </div>
      <p className="muted product-meta">
        <code>{item.sku}</code> · {soldOut ? "sold out" : `${item.available} in stock`}
        {item.reviewRequired ? <span className="badge badge-warn">needs review</span> : null}
      </p>
      <div className="product-actions">
        <label htmlFor={qtyId} className="sr-only">
          Quantity of {item.name}
        </label>
        <input
          id={qtyId}
          type="number"
          min={0}
          max={100}
          inputMode="numeric"
          value={quantity}
          onChange={(e) => onChange(item.sku, Number(e.target.value) || 0)}
        />
        <button
          type="button"
          className="btn"
          onClick={() => onChange(item.sku, quantity + 1)}
          disabled={soldOut}
          aria-label={`Add ${item.name} to cart`}
        >
          Add
        </button>
      </div>
    </li>
  );
}
