import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ReplaySummary } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const listReplays = (signal?: AbortSignal) =>
  api<{ replays: ReplaySummary[] }>("/admin/events/replays", { signal });

export const replaysQueryOptions = () =>
  queryOptions({
    queryKey: ["admin", "replays"],
    queryFn: ({ signal }) => listReplays(signal),
    refetchInterval: 10_000,
  });

export const useReplays = () => useQuery(replaysQueryOptions());
