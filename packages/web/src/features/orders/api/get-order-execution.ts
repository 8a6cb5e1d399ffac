import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ExecutionDetail } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getOrderExecution = (executionArn: string, signal?: AbortSignal) =>
  api<ExecutionDetail>(`/admin/executions/${encodeURIComponent(executionArn)}`, { signal });

export const orderExecutionQueryOptions = (executionArn: string) =>
  queryOptions({
    queryKey: ["admin", "execution", executionArn],
    queryFn: ({ signal }) => getOrderExecution(executionArn, signal),
    refetchInterval: (q) => (q.state.data && q.state.data.status !== "RUNNING" ? false : 3_000),
  });

export const useOrderExecution = (executionArn: string | null) =>
  useQuery({ ...orderExecutionQueryOptions(executionArn ?? ""), enabled: Boolean(executionArn) });
