import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ApprovalView } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const getPendingApprovals = (signal?: AbortSignal) =>
  api<{ items: ApprovalView[] }>("/admin/approvals?state=pending", { signal });

// Same key as the Approvals inbox.
export const pendingApprovalsQueryOptions = () =>
  queryOptions({
    queryKey: ["admin", "approvals", "pending"],
    queryFn: ({ signal }) => getPendingApprovals(signal),
    refetchInterval: 5_000,
  });

export const usePendingApprovals = () => useQuery(pendingApprovalsQueryOptions());
