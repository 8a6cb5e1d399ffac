import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RedriveResult } from "../../../lib/admin-types";
import { queuesQueryOptions } from "../../../lib/api/get-queues";
import { api } from "../../../lib/api-client";

export const redriveDlq = ({ queue, messageIds }: { queue: string; messageIds?: string[] }) =>
  api<RedriveResult>(`/admin/queues/${encodeURIComponent(queue)}/redrive`, {
    method: "POST",
    body: messageIds ? { messageIds } : {},
  });

export const useRedriveDlq = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: redriveDlq,
    onSettled: () => client.invalidateQueries({ queryKey: queuesQueryOptions().queryKey }),
  });
};
