import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApprovalView } from "../../../lib/admin-types";
import { api } from "../../../lib/api-client";
import { approvalsQueryOptions } from "./list-approvals";

export interface Decision {
  orderId: string;
  decision: "APPROVE" | "REJECT";
  comment: string;
}

export const decideApproval = ({ orderId, ...body }: Decision) =>
  api<ApprovalView>(`/admin/approvals/${encodeURIComponent(orderId)}/decision`, {
    method: "POST",
    body,
  });

/** Decisions share a key so the inbox can list the refused ones (useMutationState). */
export const decideApprovalMutationKey = ["admin", "approvals", "decide"] as const;

export const useDecideApproval = () => {
  const client = useQueryClient();
  return useMutation({
    mutationKey: decideApprovalMutationKey,
    mutationFn: decideApproval,
    onSuccess: (_result, { orderId }) => {
      // The decided item leaves the inbox at once; the refetch confirms it.
      client.setQueryData(approvalsQueryOptions("pending").queryKey, (old) =>
        old ? { items: old.items.filter((a) => a.orderId !== orderId) } : old,
      );
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "approvals"] }),
  });
};
