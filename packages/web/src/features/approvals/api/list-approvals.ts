import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ApprovalView } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";

export const listApprovals = (state: "pending" | "decided", signal?: AbortSignal) =>
  api<{ items: ApprovalView[] }>(`/admin/approvals?state=${state}`, { signal });

export const approvalsQueryOptions = (state: "pending" | "decided") =>
  queryOptions({
    queryKey: ["admin", "approvals", state],
    queryFn: ({ signal }) => listApprovals(state, signal),
    // Decisions made by another operator show up without a reload.
    refetchInterval: state === "pending" ? 3_000 : 15_000,
  });

export const useApprovals = (state: "pending" | "decided") =>
  useQuery(approvalsQueryOptions(state));
