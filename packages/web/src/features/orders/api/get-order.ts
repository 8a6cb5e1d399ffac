import { queryOptions, useQuery } from "@tanstack/react-query";
import type { OrderDetail } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getOrder = (orderId: string, signal?: AbortSignal) =>
  api<OrderDetail>(`/admin/orders/${encodeURIComponent(orderId)}`, { signal });

const terminal = (status?: string) => status === "FULFILLED" || status === "CANCELLED";

export const orderQueryOptions = (orderId: string) =>
  queryOptions({
    queryKey: ["admin", "order", orderId],
    queryFn: ({ signal }) => getOrder(orderId, signal),
    refetchInterval: (q) => (terminal(q.state.data?.order.status) ? false : 2_000),
  });

export const useOrder = (orderId: string) => useQuery(orderQueryOptions(orderId));
