import { queryOptions, useQuery } from "@tanstack/react-query";
import type { DeadLetter } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getDlqMessages = (queue: string, signal?: AbortSignal) =>
  api<{ messages: DeadLetter[] }>(`/admin/queues/${encodeURIComponent(queue)}/messages?max=50`, {
    signal,
  });

export const dlqMessagesQueryOptions = (queue: string) =>
  queryOptions({
    queryKey: ["admin", "queues", queue, "messages"],
    queryFn: ({ signal }) => getDlqMessages(queue, signal),
  });

export const useDlqMessages = (queue: string | null) =>
  useQuery({ ...dlqMessagesQueryOptions(queue ?? ""), enabled: queue !== null });
