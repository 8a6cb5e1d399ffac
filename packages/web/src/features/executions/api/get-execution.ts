import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ExecutionDetail } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getExecution = (arn: string, signal?: AbortSignal) =>
  api<ExecutionDetail>(`/admin/executions/${encodeURIComponent(arn)}`, { signal });

export const executionQueryOptions = (arn: string) =>
  queryOptions({
    queryKey: ["admin", "execution", arn],
    queryFn: ({ signal }) => getExecution(arn, signal),
    refetchInterval: (q) => (q.state.data?.status === "RUNNING" ? 3_000 : false),
  });

export const useExecution = (arn: string) => useQuery(executionQueryOptions(arn));
