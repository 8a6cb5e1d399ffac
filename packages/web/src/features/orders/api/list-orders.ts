import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import type { OrderSummary } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export interface OrderSearch {
  by: "status" | "customerId" | "correlationId";
  value: string;
  from?: string;
  to?: string;
}

export const listOrders = (
  search: OrderSearch,
  nextToken: string | undefined,
  signal?: AbortSignal,
) => {
  const params = new URLSearchParams({ [search.by]: search.value, limit: "25" });
  if (search.from) params.set("from", search.from);
  if (search.to) params.set("to", search.to);
  if (nextToken) params.set("nextToken", nextToken);
  return api<{ items: OrderSummary[]; nextToken?: string }>(`/admin/orders?${params}`, { signal });
};

export const ordersQueryOptions = (search: OrderSearch) =>
  infiniteQueryOptions({
    queryKey: ["admin", "orders", search],
    queryFn: ({ pageParam, signal }) => listOrders(search, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextToken,
    refetchInterval: 10_000,
  });

export const useOrders = (search: OrderSearch) =>
  useInfiniteQuery({ ...ordersQueryOptions(search), enabled: search.value !== "" });
