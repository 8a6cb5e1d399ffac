import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReplaySummary } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";
import { replaysQueryOptions } from "./list-replays";

export const startReplay = (body: { from: string; to: string; detailTypes: string[] }) =>
  api<ReplaySummary>("/admin/events/replays", { method: "POST", body });

export const useStartReplay = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: startReplay,
    onSuccess: () => client.invalidateQueries({ queryKey: replaysQueryOptions().queryKey }),
  });
};
