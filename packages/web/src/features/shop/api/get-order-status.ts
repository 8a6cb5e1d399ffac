import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api-client";
import { type OrderView, terminal } from "./types";

export const getOrderStatus = (orderId: string, signal?: AbortSignal) =>
  api<OrderView>(`/orders/${encodeURIComponent(orderId)}`, { signal });

export const orderStatusQueryOptions = (orderId: string) =>
  queryOptions({
    queryKey: ["order-status", orderId],
    queryFn: ({ signal }) => getOrderStatus(orderId, signal),
    // Poll until the order reaches FULFILLED or CANCELLED.
    refetchInterval: (query) =>
      terminal(query.state.data?.status) || query.state.error ? false : 1500,
  });

export const useOrderStatus = (orderId: string) => useQuery(orderStatusQueryOptions(orderId));
