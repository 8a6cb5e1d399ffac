import { queryOptions, useQuery } from "@tanstack/react-query";
import type { QueueDepth } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getQueueDepths = (signal?: AbortSignal) =>
  api<{ queues: QueueDepth[] }>("/admin/queues", { signal });

// Same key as the Queues page: both read one cached answer.
export const queueDepthsQueryOptions = () =>
  queryOptions({
    queryKey: ["admin", "queues"],
    queryFn: ({ signal }) => getQueueDepths(signal),
    refetchInterval: 5_000,
  });

export const useQueueDepths = () => useQuery(queueDepthsQueryOptions());
