// The orders this browser placed, so a customer can find them again (the
// public API has no "my orders" list). Per signed-in user.
const key = (sub: string) => `orders-console:recent:${sub}`;

export function rememberOrder(sub: string, orderId: string) {
  const list = recentOrders(sub).filter((id) => id !== orderId);
  localStorage.setItem(key(sub), JSON.stringify([orderId, ...list].slice(0, 10)));
}

export function recentOrders(sub: string): string[] {
  try {
    const value = JSON.parse(localStorage.getItem(key(sub)) ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}
