import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import type { ExecutionSummary } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const listExecutions = (
  status: string,
  nextToken: string | undefined,
  signal?: AbortSignal,
) => {
  const params = new URLSearchParams({
    limit: "25",
    ...(status ? { status } : {}),
    ...(nextToken ? { nextToken } : {}),
  });
  return api<{
    items: ExecutionSummary[];
    nextToken?: string;
    stateMachine: { name: string; arn: string };
  }>(`/admin/executions?${params}`, {
    signal,
  });
};

export const executionsQueryOptions = (status: string) =>
  infiniteQueryOptions({
    queryKey: ["admin", "executions", { status }],
    queryFn: ({ pageParam, signal }) => listExecutions(status, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextToken,
    refetchInterval: 10_000,
  });

export const useExecutions = (status: string) => useInfiniteQuery(executionsQueryOptions(status));
