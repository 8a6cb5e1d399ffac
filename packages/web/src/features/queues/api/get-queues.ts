import { queryOptions, useQuery } from "@tanstack/react-query";
import type { QueueDepth } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getQueues = (signal?: AbortSignal) =>
  api<{ queues: QueueDepth[] }>("/admin/queues", { signal });

export const queuesQueryOptions = () =>
  queryOptions({
    queryKey: ["admin", "queues"],
    queryFn: ({ signal }) => getQueues(signal),
    refetchInterval: 5_000,
  });

export const useQueues = () => useQuery(queuesQueryOptions());
