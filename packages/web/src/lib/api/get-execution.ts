import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ExecutionDetail } from "../admin-types";
import { api } from "../api-client";

// Shared: an execution's page and its order's saga card read the same cached
// history (one key, one refresh interval).

export const getExecution = (arn: string, signal?: AbortSignal) =>
  api<ExecutionDetail>(`/admin/executions/${encodeURIComponent(arn)}`, { signal });

export const executionQueryOptions = (arn: string) =>
  queryOptions({
    queryKey: ["admin", "execution", arn],
    queryFn: ({ signal }) => getExecution(arn, signal),
    // A finished execution's history does not change.
    refetchInterval: (q) => (q.state.data?.status === "RUNNING" ? 3_000 : false),
  });

/** `null`: the order has no execution yet, so nothing is fetched. */
export const useExecution = (arn: string | null) =>
  useQuery({ ...executionQueryOptions(arn ?? ""), enabled: arn !== null && arn !== "" });
