import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApprovalView } from "../../../lib/admin-types";
import { approvalsQueryOptions } from "../../../lib/api/list-approvals";
import { api } from "../../../lib/api-client";

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
    onSettled: () =>
      Promise.all(
        (["pending", "decided"] as const).map((state) =>
          client.invalidateQueries({ queryKey: approvalsQueryOptions(state).queryKey }),
        ),
      ),
  });
};
