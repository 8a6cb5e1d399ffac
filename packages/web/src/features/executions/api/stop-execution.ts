import { useMutation, useQueryClient } from "@tanstack/react-query";
import { executionQueryOptions } from "../../../lib/api/get-execution";
import { api } from "../../../lib/api-client";

export const stopExecution = ({ arn, cause }: { arn: string; cause: string }) =>
  api<{ stoppedAt: string }>(`/admin/executions/${encodeURIComponent(arn)}/stop`, {
    method: "POST",
    body: { cause },
  });

export const useStopExecution = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: stopExecution,
    onSettled: (_data, _error, { arn }) =>
      client.invalidateQueries({ queryKey: executionQueryOptions(arn).queryKey }),
  });
};
