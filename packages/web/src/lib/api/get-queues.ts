import { queryOptions, useQuery } from "@tanstack/react-query";
import type { QueueDepth } from "../admin-types";
import { api } from "../api-client";

// Shared: the overview's depths and trends and the Queues page read this one
// cached answer (one key, one refresh interval).

export const getQueues = (signal?: AbortSignal) =>
  api<{ queues: QueueDepth[] }>("/admin/queues", { signal });

export const queuesQueryOptions = () =>
  queryOptions({
    queryKey: ["admin", "queues"],
    queryFn: ({ signal }) => getQueues(signal),
    refetchInterval: 5_000,
  });

export const useQueues = () => useQuery(queuesQueryOptions());
