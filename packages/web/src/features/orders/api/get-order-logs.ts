import { queryOptions, useQuery } from "@tanstack/react-query";
import type { LogLine } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getOrderLogs = (orderId: string, signal?: AbortSignal) =>
  api<{ correlationId: string; lines: LogLine[] }>(
    `/admin/orders/${encodeURIComponent(orderId)}/logs`,
    { signal },
  );

export const orderLogsQueryOptions = (orderId: string) =>
  queryOptions({
    queryKey: ["admin", "order", orderId, "logs"],
    queryFn: ({ signal }) => getOrderLogs(orderId, signal),
  });

/** Logs are fetched on demand (a Logs Insights query costs money and seconds). */
export const useOrderLogs = (orderId: string, enabled: boolean) =>
  useQuery({ ...orderLogsQueryOptions(orderId), enabled });
