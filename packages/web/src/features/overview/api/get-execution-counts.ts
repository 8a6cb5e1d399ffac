import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ExecutionCounts } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getExecutionCounts = (signal?: AbortSignal) =>
  api<ExecutionCounts>("/admin/executions/counts", { signal });

export const executionCountsQueryOptions = () =>
  queryOptions({
    queryKey: ["admin", "executions", "counts"],
    queryFn: ({ signal }) => getExecutionCounts(signal),
    refetchInterval: 10_000,
  });

export const useExecutionCounts = () => useQuery(executionCountsQueryOptions());
