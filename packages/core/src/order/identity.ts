import { createHash } from "node:crypto";

// Idempotent acceptance (seed §3.2): the order id is a function of who asked
// and the key they used, so a retry — or fifty concurrent ones — targets the
// same item and one conditional put decides the winner. The request hash tells
// a true duplicate from a reused key with a different body.

/** JSON with object keys sorted, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export const requestHash = (request: unknown) => sha256(canonicalJson(request));

/** Scoped to the customer: two customers using the same key get two orders. */
export const orderIdFor = (customerId: string, idempotencyKey: string) =>
  `ord_${sha256(`${customerId}\u0000${idempotencyKey}`).slice(0, 32)}`;
