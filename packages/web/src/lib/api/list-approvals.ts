import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ApprovalView } from "../admin-types";
import { api } from "../api-client";

// Shared: the Approvals inbox and the overview's "Waiting for approval" read
// the same cached list (one key, one refresh interval per state).

export type ApprovalState = "pending" | "decided";

export const listApprovals = (state: ApprovalState, signal?: AbortSignal) =>
  api<{ items: ApprovalView[] }>(`/admin/approvals?state=${state}`, { signal });

export const approvalsQueryOptions = (state: ApprovalState) =>
  queryOptions({
    queryKey: ["admin", "approvals", state],
    queryFn: ({ signal }) => listApprovals(state, signal),
    // Decisions made by another operator show up without a reload.
    refetchInterval: state === "pending" ? 3_000 : 15_000,
  });

export const useApprovals = (state: ApprovalState) => useQuery(approvalsQueryOptions(state));
